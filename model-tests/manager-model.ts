import { setup } from 'xstate';
import type { ConnectionStatus } from '../machines/config.ts';

/*
 * An abstract model of what a user sees of two saved connections, A and B, kept apart from the
 * system under test (the dieHard pattern of xstate's graph tests): each connection is absent,
 * saved (and disconnected) or connected. Its states map to assertions on the real service, its
 * events to service calls.
 */

export const CONNECTIONS = ['A', 'B'] as const;
export type Name = (typeof CONNECTIONS)[number];
export type Verb = 'ADD' | 'CONNECT' | 'DISCONNECT' | 'DELETE';
export type ManagerModelEvent = { type: `${Verb}_${Name}` };
export type Presence = 'absent' | 'saved' | 'connected';

const connection = <N extends Name>(name: N) =>
  ({
    initial: 'absent',
    states: {
      absent: { on: { [`ADD_${name}`]: 'saved' } },
      // Saving again (same config) is allowed in any state and changes nothing the user sees.
      saved: {
        on: {
          [`ADD_${name}`]: 'saved',
          [`CONNECT_${name}`]: 'connected',
          [`DELETE_${name}`]: 'absent',
        },
      },
      connected: {
        on: {
          [`ADD_${name}`]: 'connected',
          [`DISCONNECT_${name}`]: 'saved',
          [`DELETE_${name}`]: 'absent',
        },
      },
    },
  }) as const;

export const managerModel = setup({ types: { events: {} as ManagerModelEvent } }).createMachine({
  id: 'managerModel',
  type: 'parallel',
  states: { A: connection('A'), B: connection('B') },
});

export const parseEvent = (event: ManagerModelEvent) => {
  const [verb, name] = event.type.split('_') as [Verb, Name];
  return { verb, name };
};

/** The status events the service must emit for a connection when `verb` happens in `from`. */
export function expectedStatuses(verb: Verb, from: Presence): ConnectionStatus[] {
  if (verb === 'CONNECT') return ['connecting', 'connected'];
  if (verb === 'DISCONNECT') return ['disconnected'];
  if (verb === 'DELETE' && from === 'connected') return ['disconnected'];
  return [];
}
