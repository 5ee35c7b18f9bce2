import { randomUUID } from 'node:crypto';
import type { EventObject, SnapshotFrom } from 'xstate';
import { type ConnectionConfig, validate } from '../machines/config.ts';
import type { connectionMachine } from '../machines/connection.machine.ts';
import type { TuskErrorData } from '../machines/errors.ts';

/*
 * What can be made to happen for real to a connection, in the machine's own terms: the events
 * worth trying in each snapshot, what each event type means for the world, and the failures the
 * tests can cause. connection-world.ts and run-path.ts make them happen.
 */

export type ConnectionSnapshot = SnapshotFrom<typeof connectionMachine>;
/** Machine events plus the ones XState raises for invoked actors and delays. */
export type ModelEvent = EventObject & Record<string, unknown>;

/** Small enough that running out of reconnect attempts takes two failed attempts. */
export const MODEL_MAX_ATTEMPTS = 2;

export const MODEL_CONFIG: ConnectionConfig = validate({
  id: randomUUID(),
  name: 'model',
  host: '127.0.0.1',
  port: 5432,
  database: 'model',
  username: 'model',
  sslMode: 'disable',
  passwordInKeyring: true,
  // Off at first; UPDATE_CONFIG turns it on and off (connection-world.ts points it at an sshd).
  sshTunnel: { enabled: false, host: '127.0.0.1', port: 22, username: 'model', auth: 'password' },
  options: { maxReconnectAttempts: MODEL_MAX_ATTEMPTS },
});

const fault = (kind: TuskErrorData['kind'], code: string, message: string): TuskErrorData => ({
  kind,
  code,
  message,
});

/** Failures the tests can cause for real, by the effect that fails (see connection-world.ts). */
export const FAULTS = {
  missingPassword: fault(
    'CredentialNotFound',
    'PASSWORD_COMMAND_FAILED',
    'the password command failed',
  ),
  refused: fault('ConnectionFailed', 'ECONNREFUSED', 'nothing listens on the port'),
  wrongPassword: fault('AuthFailed', '28P01', 'password authentication failed'),
  terminated: fault('ConnectionLost', '57P01', 'terminating connection (administrator command)'),
  resetInFlight: fault('ConnectionLost', 'ECONNRESET', 'the connection was reset mid-query'),
  sshRefused: fault('ConnectionFailed', 'ECONNREFUSED', 'nothing listens on the SSH port'),
} as const;

const faultsBySource: Record<string, TuskErrorData[]> = {
  resolveCredentials: [FAULTS.missingPassword],
  tunnel: [FAULTS.sshRefused],
  openSession: [FAULTS.refused, FAULTS.wrongPassword],
  applySession: [FAULTS.terminated],
  readServerInfo: [FAULTS.terminated],
  // Terminating the backend before the ping ends the control client first (CONNECTION_LOST);
  // only a reset while the ping is on the wire fails the ping itself.
  ping: [FAULTS.resetInFlight],
};

const outputsBySource: Record<string, unknown> = {
  resolveCredentials: 'keyring',
  openSession: undefined,
  applySession: { readonly: false, statementTimeoutMs: 0, applicationName: 'model' },
  readServerInfo: {
    version: 'PostgreSQL 18',
    serverVersionNum: 180000,
    currentDatabase: 'model',
    currentUser: 'model',
    backendPid: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    ssl: false,
  },
  ping: { latencyMs: 1, at: 0, pool: { total: 1, idle: 1, waiting: 0 } },
};

/** States a test can wait in and then act: everything else is left within milliseconds. */
export const REST_STATES = ['disconnected.closed', 'connected.idle', 'error.closed'] as const;

const atomicPath = (snapshot: ConnectionSnapshot) =>
  snapshot._nodes
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => n.path.join('.'))[0] ?? '';

export const isRestState = (snapshot: ConnectionSnapshot) =>
  (REST_STATES as readonly string[]).includes(atomicPath(snapshot));

export type EventMeaning =
  | { kind: 'command'; type: 'CONNECT' | 'DISCONNECT' | 'RETRY' | 'WAKE' }
  | { kind: 'done' | 'error'; src: string }
  | { kind: 'after'; delay: string }
  | { kind: 'raised' }
  | { kind: 'lost' | 'closed' | 'config' };

/** What an event type means for the world, read from the machine's own event naming. */
export function meaningOf(type: string, snapshot: ConnectionSnapshot): EventMeaning {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) {
    const def = snapshot._nodes.flatMap((n) => n.invoke).find((d) => d.id === actor[2]);
    if (!def || typeof def.src !== 'string') throw new Error(`no invoke for ${type}`);
    return { kind: actor[1] as 'done' | 'error', src: def.src };
  }
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return { kind: 'after', delay: after[1] ?? '' };
  if (type.startsWith('xstate.done.state.')) return { kind: 'raised' };
  switch (type) {
    case 'CONNECT':
    case 'DISCONNECT':
    case 'RETRY':
    case 'WAKE':
      return { kind: 'command', type };
    case 'CONNECTION_LOST':
      return { kind: 'lost' };
    case 'SESSION_CLOSED':
      return { kind: 'closed' };
    case 'UPDATE_CONFIG':
      return { kind: 'config' };
    // The tunnel child's answers to the tunnel step (tunnel.machine.ts).
    case 'TUNNEL_OPEN':
      return { kind: 'done', src: 'tunnel' };
    case 'TUNNEL_FAILED':
      return { kind: 'error', src: 'tunnel' };
  }
  throw new Error(`the model does not know how to make "${type}" happen`);
}

/**
 * The events worth trying in a snapshot: every event type some active state node has a
 * transition for, with the payloads the tests can produce for real. Left out: events the
 * machine raises itself (`xstate.done.state.*`); a connect timeout outside `opening` (a
 * blackholed network stalls the open, nothing else); a lost connection outside `idle`; a
 * config change outside a rest state or a stalled open (saving takes a few milliseconds).
 */
export function modelEvents(snapshot: ConnectionSnapshot): ModelEvent[] {
  const types = new Set(snapshot._nodes.flatMap((n) => [...n.transitions.keys()]));
  const state = atomicPath(snapshot);
  const opening = state.endsWith('.opening');
  const events: ModelEvent[] = [];
  for (const type of types) {
    const meaning = meaningOf(type, snapshot);
    switch (meaning.kind) {
      case 'raised':
        break;
      case 'done':
        events.push({ type, output: outputsBySource[meaning.src] });
        break;
      case 'error':
        for (const error of faultsBySource[meaning.src] ?? []) events.push({ type, error });
        break;
      case 'after':
        if (meaning.delay !== 'connectTimeout' || opening) events.push({ type });
        break;
      case 'lost':
        if (state === 'connected.idle') events.push({ type, error: FAULTS.terminated });
        break;
      case 'config':
        if (isRestState(snapshot)) events.push(changed(snapshot, 'maxReconnectAttempts'));
        if (isRestState(snapshot)) events.push(changed(snapshot, 'tunnel'));
        if (isRestState(snapshot) || opening) events.push(changed(snapshot, 'readonly'));
        break;
      default:
        events.push({ type });
    }
  }
  return events;
}

/**
 * UPDATE_CONFIG that turns auto-reconnect off (maxReconnectAttempts 0) or back on, which keeps
 * the session; or read-only, or the SSH tunnel, on or off, which needs a new one.
 */
function changed(
  snapshot: ConnectionSnapshot,
  option: 'maxReconnectAttempts' | 'readonly' | 'tunnel',
) {
  const { config } = snapshot.context;
  if (option === 'tunnel') {
    const tunnel = config.sshTunnel!;
    return {
      type: 'UPDATE_CONFIG',
      config: { ...config, sshTunnel: { ...tunnel, enabled: !tunnel.enabled } },
    };
  }
  const { maxReconnectAttempts, readonly } = config.options;
  const options =
    option === 'readonly'
      ? { ...config.options, readonly: !readonly }
      : {
          ...config.options,
          maxReconnectAttempts: maxReconnectAttempts > 0 ? 0 : MODEL_MAX_ATTEMPTS,
        };
  return { type: 'UPDATE_CONFIG', config: { ...config, options } };
}
