import { type ActorRefFrom, assign, emit, enqueueActions, setup } from 'xstate';
import type { ConnectionConfig, ConnectionStatus } from './config.ts';
import { connectionMachine } from './connection.machine.ts';
import type { ConnectionStatusReport, WakeCause } from './connection.types.ts';
import type { TuskErrorData } from './errors.ts';
import { stopChildrenById } from './stop-children.ts';

export interface ConnectionStatusEvent {
  connectionId: string;
  status: ConnectionStatus;
  error?: TuskErrorData;
}

export type ManagerEvent =
  | { type: 'CONNECTION_ADD'; config: ConnectionConfig }
  /** Many at once (the saved connections at start): one event, so state is copied once. */
  | { type: 'CONNECTIONS_LOAD'; configs: ConnectionConfig[] }
  | { type: 'CONNECTION_REMOVE'; connectionId: string }
  /** Many at once (the service closing): one event, so `children` and state are copied once. */
  | { type: 'CONNECTIONS_REMOVE'; connectionIds: string[] }
  | { type: 'CONNECT'; connectionId: string }
  | { type: 'DISCONNECT'; connectionId: string }
  | { type: 'RETRY'; connectionId: string }
  /** One connection's ("try now"), or with no id every connection's (the OS resumed). */
  | { type: 'WAKE'; connectionId?: string; cause?: WakeCause }
  | ConnectionStatusReport;

export type ManagerEmitted = { type: 'connection:status' } & ConnectionStatusEvent;

export interface ManagerContext {
  /** The last status each child reported, by connection id. */
  statuses: Record<string, ConnectionStatus>;
}

/** The child's id and systemId, so `system.get(connectionActorId(id))` finds it. */
export const connectionActorId = (connectionId: string) => `connection:${connectionId}`;

export type ConnectionActorRef = ActorRefFrom<typeof connectionMachine>;

const knows = ({ context, event }: { context: ManagerContext; event: ManagerEvent }) =>
  'connectionId' in event &&
  event.connectionId !== undefined &&
  event.connectionId in context.statuses;

const removedIds = (event: ManagerEvent): readonly string[] =>
  event.type === 'CONNECTIONS_REMOVE'
    ? event.connectionIds
    : event.type === 'CONNECTION_REMOVE'
      ? [event.connectionId]
      : [];

export const managerMachine = setup({
  types: {
    context: {} as ManagerContext,
    events: {} as ManagerEvent,
    emitted: {} as ManagerEmitted,
  },
  actors: { connection: connectionMachine },
  guards: {
    knows,
    isNew: ({ context, event }) =>
      event.type === 'CONNECTION_ADD' && !(event.config.id in context.statuses),
    isChange: ({ context, event }) =>
      event.type === 'CONNECTION_STATUS' &&
      event.connectionId in context.statuses &&
      context.statuses[event.connectionId] !== event.status,
  },
  actions: {
    // One assign spawning every child: spawning them in as many events copied the growing
    // `children` and `statuses` each time, quadratic in the number of connections.
    spawnConnections: assign({
      statuses: ({ context, event, spawn }) => {
        const configs =
          event.type === 'CONNECTIONS_LOAD'
            ? event.configs
            : event.type === 'CONNECTION_ADD'
              ? [event.config]
              : [];
        const statuses = { ...context.statuses };
        for (const config of configs) {
          if (config.id in statuses) continue;
          const id = connectionActorId(config.id);
          spawn('connection', { id, systemId: id, input: { config } });
          statuses[config.id] = 'disconnected';
        }
        return statuses;
      },
    }),
    updateConnection: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'CONNECTION_ADD') return;
      enqueue.sendTo(connectionActorId(event.config.id), {
        type: 'UPDATE_CONFIG',
        config: event.config,
      });
    }),
    // One copy of `children` for any number of connections: xstate's stopChild copies it per
    // child, which made closing 1,000 connections take over a second (see stop-children.ts).
    stopConnections: stopChildrenById<ManagerContext, ManagerEvent>(({ event }) =>
      removedIds(event).map(connectionActorId),
    ),
    forgetConnections: assign({
      statuses: ({ context, event }) => {
        const statuses = { ...context.statuses };
        for (const id of removedIds(event)) delete statuses[id];
        return statuses;
      },
    }),
    route: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'CONNECT' && event.type !== 'DISCONNECT' && event.type !== 'RETRY') return;
      enqueue.sendTo(connectionActorId(event.connectionId), { type: event.type });
    }),
    broadcastWake: enqueueActions(({ enqueue, context, event }) => {
      const one = event.type === 'WAKE' ? event.connectionId : undefined;
      const ids = one === undefined ? Object.keys(context.statuses) : [one];
      for (const id of ids) {
        if (!(id in context.statuses)) continue;
        const cause = event.type === 'WAKE' ? event.cause : undefined;
        enqueue.sendTo(connectionActorId(id), cause ? { type: 'WAKE', cause } : { type: 'WAKE' });
      }
    }),
    recordStatus: assign({
      statuses: ({ context, event }) =>
        event.type === 'CONNECTION_STATUS'
          ? { ...context.statuses, [event.connectionId]: event.status }
          : context.statuses,
    }),
    emitStatus: emit(({ event }) => {
      if (event.type !== 'CONNECTION_STATUS') throw new Error(`emitStatus on ${event.type}`);
      const { type: _, ...status } = event;
      return { type: 'connection:status' as const, ...status };
    }),
  },
}).createMachine({
  id: 'manager',
  context: { statuses: {} },
  on: {
    CONNECTION_ADD: [
      { guard: 'isNew', actions: 'spawnConnections' },
      { actions: 'updateConnection' },
    ],
    CONNECTIONS_LOAD: { actions: 'spawnConnections' },
    CONNECTION_REMOVE: { guard: 'knows', actions: ['stopConnections', 'forgetConnections'] },
    CONNECTIONS_REMOVE: { actions: ['stopConnections', 'forgetConnections'] },
    CONNECT: { guard: 'knows', actions: 'route' },
    DISCONNECT: { guard: 'knows', actions: 'route' },
    RETRY: { guard: 'knows', actions: 'route' },
    WAKE: { actions: 'broadcastWake' },
    CONNECTION_STATUS: { guard: 'isChange', actions: ['recordStatus', 'emitStatus'] },
  },
});

export type ManagerMachine = typeof managerMachine;
