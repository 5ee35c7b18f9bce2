import type { StateValue } from 'xstate';
import type { ConnectionConfig, ConnectionStatus } from './config.ts';
import type {
  CredentialSource,
  KeepaliveStats,
  PoolUse,
  ServerInfo,
  SessionSettings,
  WakeCause,
} from './connection.types.ts';
import type { TuskErrorData, TuskErrorKind } from './errors.ts';

/**
 * What the UI sees of a connection: plain, serialisable, and never a secret. The hosts build it
 * from the connection actor's snapshot (plus what main/ knows of its sessions) and send it over
 * IPC; the renderer never sees an actor ref.
 */

/** One entry of a connection's recent history (a bounded ring, newest last). */
export interface TransitionRecord {
  /** Epoch ms. */
  at: number;
  /** Dotted state paths, e.g. `connected.idle` → `connected.pinging`. */
  from: string;
  to: string;
  /** The event that caused it (`CONNECT`, `xstate.after.keepaliveInterval...`, `xstate.done.actor...`). */
  event: string;
  error?: { kind: TuskErrorKind; code?: string };
  /** The host:port the connection reached, on entry to `connected`. */
  host?: string;
  /** Why a WAKE was sent (a resume, a network change, the page back online, ...). */
  cause?: WakeCause;
  /**
   * Which actor took it: the connection (when absent) or its SSH tunnel child, whose `from`/`to`
   * are tunnel states. Only the durable history (`get_history`) holds tunnel records; a view's
   * `transitions` are the connection's alone.
   */
  machine?: 'connection' | 'tunnel';
}

/** PostgreSQL's transaction status from ReadyForQuery, in words. */
export type TransactionStatus = 'idle' | 'in-transaction' | 'failed' | 'lost';

/** A pinned backend (`openSession`): see DESIGN.md, "Sessions". */
export interface SessionView {
  sessionId: string;
  transaction: TransactionStatus;
  /** A statement is running on it now. */
  busy: boolean;
  /** Behind transaction pooling, state outside a transaction does not persist. */
  statePersists: boolean;
}

export interface ConnectionView {
  id: string;
  /** The saved (or ad hoc) config; it never holds a password. */
  config: ConnectionConfig;
  status: ConnectionStatus;
  /** The actor's full state value, e.g. `{ connected: 'pinging' }`. */
  state: StateValue;
  tags: string[];
  attempt: number;
  /** Epoch ms of the next reconnect attempt, for a countdown. */
  nextRetryAt: number | null;
  lastError: TuskErrorData | null;
  server: ServerInfo | null;
  session: SessionSettings | null;
  /** Where the last attempt's password came from (`command`: run afresh at every attempt). */
  credentials?: CredentialSource | null;
  keepalive: KeepaliveStats;
  pool: PoolUse | null;
  transitions: TransitionRecord[];
  sessions: SessionView[];
  /** The demo connection of `npm start`: fault controls apply to it. */
  demo: boolean;
  /**
   * The SSH tunnel, when one is enabled and started: its state (`connecting`, `open`, `failed`,
   * `lost`; see tunnel.machine.ts and its `tunnelView`) and the server's host key fingerprint.
   * No local port: each pooled client gets an SSH channel of its own, not a listening socket.
   */
  tunnel?: { state: string; localPort?: number; fingerprint?: string };
}

/** The view stream, host → UI: all views once per client, then only what changed. */
export type ViewsPayload =
  | { full: true; views: ConnectionView[] }
  | { full: false; changed: ConnectionView[]; removed: string[] };

export const VIEWS_EVENT = 'connection:views';
export const STATUS_EVENT = 'connection:status';

/** How many transitions each connection keeps in its view. */
export const TRANSITION_HISTORY = 200;

/** The status a state path (`reconnecting.waiting`, as in TransitionRecord) is in: its top state. */
export const statusOfPath = (path: string): ConnectionStatus =>
  path.split('.')[0] as ConnectionStatus;
