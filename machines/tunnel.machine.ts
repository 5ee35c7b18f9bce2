import { assign, fromCallback, fromPromise, sendParent, setup } from 'xstate';
import type { ConnectionConfig } from './config.ts';
import type { SessionInput } from './connection.types.ts';
import { type TuskErrorData, toErrorData } from './errors.ts';

/*
 * An SSH tunnel (DESIGN.md, "SSH tunnels"), spawned by the connection actor before its pool
 * opens and supervised by it: `TUNNEL_OPEN` or `TUNNEL_FAILED` answer the connect step, and a
 * tunnel lost once open is the connection's `CONNECTION_LOST`. Its keepalive is OpenSSH's
 * ServerAliveInterval / ServerAliveCountMax: a probe each interval while none is answered, and
 * `keepaliveCountMax` of them unanswered in a row is a loss, so a silently dropped link is
 * noticed within interval × countMax even when nothing runs over it.
 */

/** What opening a tunnel learns: the server's host key, `SHA256:...` as OpenSSH prints it. */
export interface TunnelOpened {
  fingerprint: string;
}

export interface TunnelContext {
  connectionId: string;
  config: ConnectionConfig;
  /** Keepalive probes unanswered in a row. */
  missed: number;
  fingerprint: string | null;
  lastError: TuskErrorData | null;
}

export type TunnelEvent = { type: 'TUNNEL_DROPPED'; error: TuskErrorData };

/** What the tunnel tells the connection actor. */
export type TunnelReport =
  | { type: 'TUNNEL_OPEN'; fingerprint: string }
  | { type: 'TUNNEL_FAILED'; error: TuskErrorData }
  | { type: 'CONNECTION_LOST'; error: TuskErrorData };

const notProvided = (name: string) => async (): Promise<never> => {
  throw new Error(`tunnel machine: the "${name}" actor was not provided`);
};

const input = ({ context }: { context: TunnelContext }): SessionInput => ({
  connectionId: context.connectionId,
  config: context.config,
});

const keepalive = (config: ConnectionConfig) => ({
  intervalSec: config.sshTunnel?.keepaliveIntervalSec ?? 15,
  countMax: config.sshTunnel?.keepaliveCountMax ?? 3,
});

export const tunnelMachine = setup({
  types: {
    context: {} as TunnelContext,
    events: {} as TunnelEvent,
    input: {} as SessionInput,
  },
  actors: {
    /** Connects, checks the host key, authenticates; the SSH connection stays in main/. */
    openTunnel: fromPromise<TunnelOpened, SessionInput>(notProvided('openTunnel')),
    /** One keepalive round trip over the SSH connection (a global request with a reply). */
    probeTunnel: fromPromise<void, SessionInput>(notProvided('probeTunnel')),
    /** Turns the SSH connection's end or error into TUNNEL_DROPPED. */
    watchTunnel: fromCallback<TunnelEvent, SessionInput>(() => undefined),
  },
  delays: {
    keepaliveInterval: ({ context }) => keepalive(context.config).intervalSec * 1000,
  },
  guards: {
    keepaliveExhausted: ({ context }) => context.missed + 1 >= keepalive(context.config).countMax,
  },
  actions: {
    recordOpen: assign({
      fingerprint: (_, params: { opened: TunnelOpened }) => params.opened.fingerprint,
    }),
    recordError: assign({
      lastError: (_, params: { error: unknown }) => toErrorData(params.error),
    }),
    recordDrop: assign({
      lastError: ({ event }) => (event.type === 'TUNNEL_DROPPED' ? event.error : null),
    }),
    recordKeepaliveTimeout: assign({
      lastError: ({ context }) => {
        const { intervalSec, countMax } = keepalive(context.config);
        return {
          kind: 'ConnectionLost' as const,
          code: 'SSH_KEEPALIVE',
          message: `The SSH server answered none of ${countMax} keepalive probes sent ${intervalSec} s apart`,
        };
      },
    }),
    /**
     * Cuts the SSH connection of a tunnel found lost (a keepalive unanswered, a probe failed):
     * every channel on it fails now, so nothing waits on a dead link. Provided by main/.
     */
    abandonLink: (_, _params: { connectionId: string }) => {},
    countMissed: assign({ missed: ({ context }) => context.missed + 1 }),
    resetMissed: assign({ missed: 0 }),
    reportOpen: sendParent(
      ({ context }): TunnelReport => ({
        type: 'TUNNEL_OPEN',
        fingerprint: context.fingerprint ?? '',
      }),
    ),
    reportFailed: sendParent(
      ({ context }): TunnelReport => ({ type: 'TUNNEL_FAILED', error: context.lastError! }),
    ),
    reportLost: sendParent(
      ({ context }): TunnelReport => ({ type: 'CONNECTION_LOST', error: context.lastError! }),
    ),
  },
}).createMachine({
  id: 'tunnel',
  context: ({ input }) => ({
    connectionId: input.connectionId,
    config: input.config,
    missed: 0,
    fingerprint: null,
    lastError: null,
  }),
  initial: 'connecting',
  states: {
    connecting: {
      invoke: {
        src: 'openTunnel',
        input,
        onDone: {
          target: 'open',
          actions: { type: 'recordOpen', params: ({ event }) => ({ opened: event.output }) },
        },
        onError: {
          target: 'failed',
          actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    open: {
      entry: 'reportOpen',
      invoke: { src: 'watchTunnel', input },
      initial: 'idle',
      states: {
        idle: {
          entry: 'resetMissed',
          after: { keepaliveInterval: 'probing' },
        },
        probing: {
          invoke: {
            src: 'probeTunnel',
            input,
            onDone: 'idle',
            onError: {
              target: '#tunnel.lost',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
          after: {
            keepaliveInterval: [
              {
                guard: 'keepaliveExhausted',
                target: '#tunnel.lost',
                actions: 'recordKeepaliveTimeout',
              },
              { target: 'probing', reenter: true, actions: 'countMissed' },
            ],
          },
        },
      },
      on: { TUNNEL_DROPPED: { target: 'lost', actions: 'recordDrop' } },
    },
    failed: { type: 'final', entry: 'reportFailed' },
    lost: {
      type: 'final',
      entry: [
        { type: 'abandonLink', params: ({ context }) => ({ connectionId: context.connectionId }) },
        'reportLost',
      ],
    },
  },
});

export type TunnelMachine = typeof tunnelMachine;

export type TunnelState = 'connecting' | 'open' | 'failed' | 'lost';

/** The tunnel's part of a connection's view, from the connection actor's `tunnel` child. */
export function tunnelView(
  child: { getSnapshot(): unknown } | undefined,
): { state: TunnelState; fingerprint?: string } | undefined {
  if (!child) return undefined;
  const snapshot = child.getSnapshot() as { value: unknown; context?: Partial<TunnelContext> };
  const value = snapshot.value;
  const state = (typeof value === 'string' ? value : Object.keys(value ?? {})[0]) as TunnelState;
  const fingerprint = snapshot.context?.fingerprint;
  return fingerprint ? { state, fingerprint } : { state };
}
