import type { ConnectionConfig, ConnectionStatus } from './config.ts';
import type { TuskErrorData } from './errors.ts';

/** What `readServerInfo` learns once the session is set up. */
export interface ServerInfo {
  version: string;
  serverVersionNum: number;
  currentDatabase: string;
  currentUser: string;
  backendPid: number;
  /** pg_postmaster_start_time(), ISO 8601. */
  startedAt: string;
  ssl: boolean;
  /**
   * The host and port this session reached: one of `hosts` for a multi-host config (main/pg
   * always sets them; optional only so that older fixtures stay valid).
   */
  host?: string;
  port?: number;
}

/** The session settings as the server reports them (`SHOW`), after they were applied. */
export interface SessionSettings {
  readonly: boolean;
  statementTimeoutMs: number;
  applicationName: string;
}

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

export interface PingResult {
  latencyMs: number;
  /** Epoch ms when the answer came. */
  at: number;
  pool: PoolUse;
  /**
   * No round trip was made: with poolMax 1 the only connection was busy with a query, and a ping
   * queued behind it would only measure the query. `latencyMs` is then 0.
   */
  skipped?: boolean;
}

export interface KeepaliveStats {
  pings: number;
  lastPingAt: number | null;
  lastLatencyMs: number | null;
}

/** Where a connect's password came from; `pgpass` is libpq's password file (~/.pgpass, PGPASSFILE). */
/** Where a connect attempt's password came from; `command`: the password command, run for it. */
export type CredentialSource = 'keyring' | 'pgpass' | 'one-off' | 'command' | 'none';

/** Input of every effect: enough to find the session in main/, never a secret. */
export interface SessionInput {
  connectionId: string;
  config: ConnectionConfig;
}

/**
 * Why a session is closed. `disconnect` and `replace` (a setting changed on a healthy
 * session) end clients politely and wait for their backends; `lost` and `failed` destroy
 * sockets at once, since a dead network would never answer a polite goodbye, and running
 * queries must fail now rather than hang.
 */
/**
 * For the readiness probe while a reconnect waits for its backoff timer: how long the server
 * has been out of reach, and when the timer's own attempt goes (null: at once, no probe).
 */
export interface ProbeInput extends SessionInput {
  downSince: number;
  retryAt: number | null;
}

/**
 * The keepalive ping's input. `pathInDoubt`: a WAKE whose cause may have changed the network path
 * under the open sockets (a resume from sleep, an address that came or went, the page back
 * online) sent it. Such a ping must test a socket that was open before the wake: one opened since
 * says nothing about the old. A WAKE for a page back in view, a user's "try now" or the readiness
 * probe pings as the interval does.
 */
export interface PingInput extends SessionInput {
  pathInDoubt: boolean;
}

export interface CloseInput extends SessionInput {
  reason: 'disconnect' | 'replace' | 'lost' | 'failed';
}

export interface ConnectionInput {
  config: ConnectionConfig;
}

/**
 * Why a WAKE was sent, for the transition history: the machine slept (a wall-clock gap, or the
 * OS said so), the network changed (an address came or went), the page came back online or
 * into view, a user asked ("try now"), or the readiness probe found the server accepting.
 */
export type WakeCause = 'resume' | 'network' | 'online' | 'visible' | 'user' | 'ready';

export type ConnectionEvent =
  | { type: 'CONNECT' }
  | { type: 'DISCONNECT' }
  | { type: 'RETRY' }
  | { type: 'WAKE'; cause?: WakeCause }
  | { type: 'CONNECTION_LOST'; error: TuskErrorData }
  /** From the closeSession actor: closing has one outcome, whatever went wrong on the way. */
  | { type: 'SESSION_CLOSED' }
  | { type: 'UPDATE_CONFIG'; config: ConnectionConfig }
  /** From the tunnel child (tunnel.machine.ts): the SSH tunnel is open, or could not open. */
  | { type: 'TUNNEL_OPEN'; fingerprint: string }
  | { type: 'TUNNEL_FAILED'; error: TuskErrorData };

/** Sent to the parent (the manager) on entry to each top-level state. */
export interface ConnectionStatusReport {
  type: 'CONNECTION_STATUS';
  connectionId: string;
  status: ConnectionStatus;
  error?: TuskErrorData;
}

export interface ConnectionContext {
  config: ConnectionConfig;
  /** Reconnect attempts made since the connection was lost; 0 while connected. */
  attempt: number;
  retryDelayMs: number | null;
  /** Epoch ms of the next reconnect attempt, for a countdown. */
  nextRetryAt: number | null;
  /** Epoch ms the connection stopped being usable (reconnecting began); null while connected. */
  downSince: number | null;
  lastError: TuskErrorData | null;
  server: ServerInfo | null;
  session: SessionSettings | null;
  /**
   * Where the last attempt's password came from (a password command runs afresh at every
   * attempt); never the password itself. Null before the first attempt's credentials step.
   */
  credentials: CredentialSource | null;
  keepalive: KeepaliveStats;
  pool: PoolUse | null;
}

export type ConnectionTag = 'busy' | 'usable';
