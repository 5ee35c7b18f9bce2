import { expect, it } from 'vitest';
import { createActor } from 'xstate';
import { connectionMachine } from '../connection.machine.ts';
import { type ConnectionActorRef, connectionActorId, managerMachine } from '../manager.machine.ts';
import { fakeEffects, testConfig } from './fake-effects.ts';

const configs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ...testConfig(),
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `saved ${i}`,
  }));

it('CONNECTIONS_LOAD spawns every saved connection in one event, skipping known ones', () => {
  const effects = fakeEffects();
  const manager = createActor(
    managerMachine.provide({
      actors: { connection: connectionMachine.provide({ actors: effects.actors }) },
    }),
  ).start();
  const [first, ...rest] = configs(300);
  manager.send({ type: 'CONNECTION_ADD', config: first! });
  const known = manager.system.get(connectionActorId(first!.id));
  manager.send({ type: 'CONNECTIONS_LOAD', configs: [first!, ...rest] });

  expect(Object.keys(manager.getSnapshot().context.statuses)).toHaveLength(300);
  expect(Object.keys(manager.getSnapshot().children)).toHaveLength(300);
  expect(manager.system.get(connectionActorId(first!.id))).toBe(known);
  const last = manager.system.get(connectionActorId(rest.at(-1)!.id)) as ConnectionActorRef;
  expect(last.getSnapshot().value).toEqual({ disconnected: 'closed' });
  manager.send({ type: 'CONNECT', connectionId: rest.at(-1)!.id });
  expect(last.getSnapshot().hasTag('busy')).toBe(true);
  manager.stop();
});
