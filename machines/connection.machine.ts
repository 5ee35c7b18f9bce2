import {
  assign,
  enqueueActions,
  fromCallback,
  fromPromise,
  setup,
  spawnChild,
  stopChild,
} from 'xstate';
import { backoff } from './backoff.ts';
import { type ConnectionStatus, connectDeadlineMs, DEFAULTS, sessionKey } from './config.ts';
import type {
  CloseInput,
  ConnectionContext,
  ConnectionEvent,
  ConnectionInput,
  ConnectionStatusReport,
  ConnectionTag,
  CredentialSource,
  PingInput,
  PingResult,
  ProbeInput,
  ServerInfo,
  SessionInput,
  SessionSettings,
  WakeCause,
} from './connection.types.ts';
import { isRetryable, type TuskErrorData, toErrorData } from './errors.ts';
import { tunnelMachine } from './tunnel.machine.ts';

const notProvided = (name: string) => async (): Promise<never> => {
  throw new Error(`connection machine: the "${name}" actor was not provided`);
};

const sessionInput = ({ context }: { context: ConnectionContext }): SessionInput => ({
  connectionId: context.config.id,
  config: context.config,
});

const closeInput =
  (reason: CloseInput['reason']) =>
  ({ context }: { context: ConnectionContext }): CloseInput => ({
    ...sessionInput({ context }),
    reason,
  });

/** Reconnecting after a failure destroys what is left; after a settings change it says goodbye. */
const replaceInput = ({ context }: { context: ConnectionContext }): CloseInput =>
  closeInput(context.lastError ? 'lost' : 'replace')({ context });

const probeInput = ({ context }: { context: ConnectionContext }): ProbeInput => ({
  ...sessionInput({ context }),
  downSince: context.downSince ?? Date.now(),
  retryAt: context.nextRetryAt,
});

/** The WAKE causes after which a socket opened before may be on a dead path (PingInput). */
const PATH_CHANGING: ReadonlySet<WakeCause | undefined> = new Set(['resume', 'network', 'online']);

/** A ping entered by such a WAKE must test a socket from before it (PgSession.ping). */
const pingInput = ({
  context,
  event,
}: {
  context: ConnectionContext;
  event: ConnectionEvent;
}): PingInput => ({
  ...sessionInput({ context }),
  pathInDoubt: event.type === 'WAKE' && PATH_CHANGING.has(event.cause),
});

const timeoutError = (what: string, seconds: number): TuskErrorData => ({
  kind: 'ConnectionTimeout',
  message: `${what} did not finish within ${seconds} s`,
});

const failWith = (target: string) => ({
  target,
  actions: {
    type: 'recordError' as const,
    params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }),
  },
});

/**
 * The steps of a connect, shared by a user's connect and each reconnect attempt; only where a
 * failure goes differs (a user's connect fails fast, a reconnect may try again). With an SSH
 * tunnel enabled, the tunnel (a child actor of its own, see tunnel.machine.ts) opens before the
 * pool and lives on, supervised, until the session closes.
 */
const recordCredentials = {
  type: 'recordCredentials' as const,
  params: ({ event }: { event: { output: CredentialSource } }) => ({ source: event.output }),
};

const connectSteps = (failed: string) =>
  ({
    initial: 'credentials',
    states: {
      credentials: {
        // A tunnel left from an attempt that a config change cut short is obsolete now.
        entry: 'stopTunnel',
        invoke: {
          src: 'resolveCredentials',
          input: sessionInput,
          onDone: [
            { guard: 'tunnelEnabled', target: 'tunnel', actions: recordCredentials },
            { target: 'opening', actions: recordCredentials },
          ],
          onError: failWith(failed),
        },
      },
      tunnel: {
        entry: 'spawnTunnel',
        on: { TUNNEL_OPEN: 'opening', TUNNEL_FAILED: failWith(failed) },
      },
      opening: {
        invoke: {
          src: 'openSession',
          input: sessionInput,
          onDone: 'session',
          onError: failWith(failed),
        },
      },
      session: {
        invoke: {
          src: 'applySession',
          input: sessionInput,
          onDone: {
            target: 'serverInfo',
            actions: {
              type: 'recordSession',
              params: ({ event }: { event: { output: SessionSettings } }) => ({
                settings: event.output,
              }),
            },
          },
          onError: failWith(failed),
        },
      },
      serverInfo: {
        invoke: {
          src: 'readServerInfo',
          input: sessionInput,
          onDone: {
            target: 'ready',
            actions: {
              type: 'recordServer',
              params: ({ event }: { event: { output: ServerInfo } }) => ({ server: event.output }),
            },
          },
          onError: failWith(failed),
        },
      },
      ready: { type: 'final' },
    },
  }) as const;

export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
    tags: {} as ConnectionTag,
  },
  actors: {
    resolveCredentials: fromPromise<CredentialSource, SessionInput>(
      notProvided('resolveCredentials'),
    ),
    openSession: fromPromise<void, SessionInput>(notProvided('openSession')),
    applySession: fromPromise<SessionSettings, SessionInput>(notProvided('applySession')),
    readServerInfo: fromPromise<ServerInfo, SessionInput>(notProvided('readServerInfo')),
    ping: fromPromise<PingResult, PingInput>(notProvided('ping')),
    /**
     * Ends whatever the session holds and then sends SESSION_CLOSED. It has no failure
     * outcome: a close that cannot be polite destroys the sockets instead.
     */
    closeSession: fromCallback<ConnectionEvent, CloseInput>(() => {
      throw new Error('connection machine: the "closeSession" actor was not provided');
    }),
    /** Turns the session's own alarms (an idle client's error) into CONNECTION_LOST. */
    watchSession: fromCallback<ConnectionEvent, SessionInput>(() => undefined),
    /**
     * While a reconnect waits for its backoff timer, asks the server whether it accepts
     * logins again and sends WAKE when it does (the attempt then goes at once); sends nothing
     * otherwise. Not provided: the timer alone decides.
     */
    probe: fromCallback<ConnectionEvent, ProbeInput>(() => undefined),
    tunnel: tunnelMachine,
  },
  delays: {
    connectTimeout: ({ context }) => connectDeadlineMs(context.config),
    pingTimeout: ({ context }) => context.config.options.connectTimeoutSec * 1000,
    keepaliveInterval: ({ context }) => context.config.options.keepaliveIntervalSec * 1000,
    retryBackoff: ({ context }) => context.retryDelayMs ?? 0,
  },
  guards: {
    tunnelEnabled: ({ context }) => context.config.sshTunnel?.enabled === true,
    autoReconnect: ({ context }) => context.config.options.maxReconnectAttempts > 0,
    firstAttempt: ({ context }) => context.attempt === 0,
    changesSession: ({ context, event }) =>
      event.type === 'UPDATE_CONFIG' && sessionKey(event.config) !== sessionKey(context.config),
    /** A wake (a resume, a network back) is worth a new connect only if asking again can help. */
    retryableError: ({ context }) => context.lastError !== null && isRetryable(context.lastError),
    canRetry: ({ context }) =>
      context.lastError !== null &&
      isRetryable(context.lastError) &&
      context.attempt < context.config.options.maxReconnectAttempts,
  },
  actions: {
    spawnTunnel: spawnChild('tunnel', { id: 'tunnel', input: sessionInput }),
    // Closing the SSH connection is closeSession's, after the pool: this only stops listening.
    stopTunnel: stopChild('tunnel'),
    reportStatus: enqueueActions(
      ({ context, self, enqueue }, params: { status: ConnectionStatus }) => {
        if (!self._parent) return;
        const report: ConnectionStatusReport = {
          type: 'CONNECTION_STATUS',
          connectionId: context.config.id,
          status: params.status,
          ...(params.status === 'error' && context.lastError ? { error: context.lastError } : {}),
        };
        enqueue.sendTo(self._parent, report);
      },
    ),
    recordError: assign({
      lastError: (_, params: { error: unknown }) => toErrorData(params.error),
    }),
    recordLoss: assign({
      lastError: ({ event }) => (event.type === 'CONNECTION_LOST' ? event.error : null),
    }),
    recordConnectTimeout: assign({
      lastError: ({ context }) =>
        timeoutError('Connecting', connectDeadlineMs(context.config) / 1000),
    }),
    recordPingTimeout: assign({
      lastError: ({ context }) => ({
        ...timeoutError('The keepalive ping', context.config.options.connectTimeoutSec),
        kind: 'ConnectionLost' as const,
      }),
    }),
    recordCredentials: assign({
      credentials: (_, params: { source: CredentialSource }) => params.source,
    }),
    recordSession: assign({
      session: (_, params: { settings: SessionSettings }) => params.settings,
    }),
    recordServer: assign({ server: (_, params: { server: ServerInfo }) => params.server }),
    recordPing: assign({
      // A skipped ping (poolMax 1, its only client busy) made no round trip: nothing to count.
      keepalive: ({ context }, params: { result: PingResult }) =>
        params.result.skipped
          ? context.keepalive
          : {
              pings: context.keepalive.pings + 1,
              lastPingAt: params.result.at,
              lastLatencyMs: params.result.latencyMs,
            },
      pool: (_, params: { result: PingResult }) => params.result.pool,
    }),
    markConnected: assign({
      attempt: 0,
      lastError: null,
      retryDelayMs: null,
      nextRetryAt: null,
      downSince: null,
    }),
    markDown: assign({ downSince: () => Date.now() }),
    clearError: assign({ lastError: null }),
    forgetSession: assign({ server: null, session: null, pool: null }),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    scheduleRetry: assign(({ context }) => {
      if (context.attempt === 0) return { retryDelayMs: 0, nextRetryAt: null };
      const ms = backoff(context.attempt, { ...DEFAULTS.backoff, jitter: 'full' });
      return { retryDelayMs: ms, nextRetryAt: Date.now() + ms };
    }),
    clearRetry: assign({ retryDelayMs: null, nextRetryAt: null }),
    updateConfig: assign({
      config: ({ context, event }) =>
        event.type === 'UPDATE_CONFIG' ? event.config : context.config,
    }),
  },
}).createMachine({
  id: 'connection',
  context: ({ input }) => ({
    config: input.config,
    attempt: 0,
    retryDelayMs: null,
    nextRetryAt: null,
    downSince: null,
    lastError: null,
    server: null,
    session: null,
    credentials: null,
    keepalive: { pings: 0, lastPingAt: null, lastLatencyMs: null },
    pool: null,
  }),
  initial: 'disconnected',
  on: { UPDATE_CONFIG: { actions: 'updateConfig' } },
  states: {
    disconnected: {
      entry: 'forgetSession',
      initial: 'closed',
      states: {
        closing: {
          // Reported here, not on `disconnected`: every way in but the start passes through
          // closing, and a report at start would cost the manager an event per saved connection.
          entry: ['stopTunnel', { type: 'reportStatus', params: { status: 'disconnected' } }],
          invoke: { src: 'closeSession', input: closeInput('disconnect') },
          on: { SESSION_CLOSED: 'closed' },
        },
        closed: {},
      },
      on: { CONNECT: 'connecting' },
    },
    connecting: {
      tags: 'busy',
      entry: ['clearError', { type: 'reportStatus', params: { status: 'connecting' } }],
      after: { connectTimeout: { target: 'error', actions: 'recordConnectTimeout' } },
      ...connectSteps('#connection.error'),
      onDone: 'connected',
      on: {
        DISCONNECT: '#connection.disconnected.closing',
        UPDATE_CONFIG: {
          guard: 'changesSession',
          target: 'connecting',
          reenter: true,
          actions: 'updateConfig',
        },
      },
    },
    connected: {
      tags: 'usable',
      entry: ['markConnected', { type: 'reportStatus', params: { status: 'connected' } }],
      invoke: { src: 'watchSession', input: sessionInput },
      initial: 'idle',
      states: {
        idle: {
          after: { keepaliveInterval: 'pinging' },
          on: { WAKE: 'pinging' },
        },
        pinging: {
          invoke: {
            src: 'ping',
            input: pingInput,
            onDone: {
              target: 'idle',
              actions: { type: 'recordPing', params: ({ event }) => ({ result: event.output }) },
            },
            onError: {
              target: 'lost',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
          after: { pingTimeout: { target: 'lost', actions: 'recordPingTimeout' } },
        },
        lost: {
          always: [
            { guard: 'autoReconnect', target: '#connection.reconnecting' },
            { target: '#connection.error' },
          ],
        },
      },
      on: {
        CONNECTION_LOST: { target: '.lost', actions: 'recordLoss' },
        DISCONNECT: '#connection.disconnected.closing',
        UPDATE_CONFIG: { guard: 'changesSession', target: 'reconnecting', actions: 'updateConfig' },
      },
    },
    reconnecting: {
      tags: 'busy',
      entry: ['markDown', { type: 'reportStatus', params: { status: 'reconnecting' } }],
      initial: 'closing',
      states: {
        closing: {
          entry: 'stopTunnel',
          invoke: { src: 'closeSession', input: replaceInput },
          on: { SESSION_CLOSED: 'waiting' },
        },
        waiting: {
          entry: 'scheduleRetry',
          exit: 'clearRetry',
          always: { guard: 'firstAttempt', target: 'attempting' },
          invoke: { src: 'probe', input: probeInput },
          after: { retryBackoff: 'attempting' },
          on: { WAKE: 'attempting', RETRY: 'attempting' },
        },
        attempting: {
          entry: 'countAttempt',
          after: { connectTimeout: { target: 'failed', actions: 'recordConnectTimeout' } },
          ...connectSteps('#connection.reconnecting.failed'),
          onDone: '#connection.connected',
        },
        failed: {
          always: [{ guard: 'canRetry', target: 'closing' }, { target: '#connection.error' }],
        },
      },
      on: {
        DISCONNECT: '#connection.disconnected.closing',
        UPDATE_CONFIG: { guard: 'changesSession', target: '.closing', actions: 'updateConfig' },
      },
    },
    error: {
      entry: { type: 'reportStatus', params: { status: 'error' } },
      initial: 'closing',
      states: {
        closing: {
          entry: 'stopTunnel',
          invoke: { src: 'closeSession', input: closeInput('failed') },
          on: { SESSION_CLOSED: 'closed' },
        },
        closed: {},
      },
      on: {
        CONNECT: 'connecting',
        RETRY: 'connecting',
        // After the attempts ran out in an outage, the network coming back is worth a connect;
        // a wrong password or a missing database would fail the same way again.
        WAKE: { guard: 'retryableError', target: 'connecting' },
        DISCONNECT: '#connection.disconnected.closing',
      },
    },
  },
});

export type ConnectionMachine = typeof connectionMachine;
