import type { TransitionRecord } from '../../../machines/views.ts';

/** A connection's history as the host records it: connect, keepalives, a drop, a failed retry. */
export const HISTORY: TransitionRecord[] = [
  { at: 1_000, from: 'disconnected.closed', to: 'connecting.credentials', event: 'CONNECT' },
  {
    at: 1_010,
    from: 'connecting.credentials',
    to: 'connecting.opening',
    event: 'xstate.done.actor.0.connection.connecting.credentials',
  },
  {
    at: 1_010,
    from: 'connecting.opening',
    to: 'connecting.session',
    event: 'xstate.done.actor.1.connection.connecting.opening',
  },
  {
    at: 1_040,
    from: 'connecting.serverInfo',
    to: 'connected.idle',
    event: 'xstate.done.actor.2.connection.connecting.serverInfo',
    host: '127.0.0.1:5432',
  },
  {
    at: 6_040,
    from: 'connected.idle',
    to: 'connected.pinging',
    event: 'xstate.after.keepaliveInterval.connection.connected.idle',
  },
  {
    at: 11_040,
    from: 'connected.pinging',
    to: 'reconnecting.closing',
    event: 'xstate.after.pingTimeout.connection.connected.pinging',
    error: { kind: 'ConnectionLost' },
  },
  {
    at: 11_100,
    from: 'reconnecting.attempting.opening',
    to: 'reconnecting.waiting',
    event: 'xstate.error.actor.3.connection.reconnecting.attempting.opening',
    error: { kind: 'ConnectionFailed', code: '57P03' },
  },
];
