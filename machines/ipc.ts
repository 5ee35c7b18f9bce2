import { z } from 'zod';
import type { ConnectionConfig, ConnectionGroup, ConnectionStatus } from './config.ts';
import type { ConnectionStringConfig } from './connection-string.ts';
import type { TestConnectionResult } from './diagnostics.types.ts';
import type { TuskErrorData } from './errors.ts';
import type { ConnectionStatusEvent } from './manager.machine.ts';
import type { ScriptPlan, ScriptResult } from './sql-plan.ts';
import type { TransitionRecord, ViewsPayload } from './views.ts';

/**
 * The IPC contract (DESIGN.md, "Hosts and IPC"): command name → the zod schema of its args and
 * the type of its result. Pure, so both hosts (main/) and the renderer use the same table. Every
 * args object is strict: an unknown key is refused as InvalidInput naming it. A config is checked
 * here only as "an object"; the service validates it with the one config schema, so the message
 * names the broken field the same way whichever door it came in by.
 */

const id = (what: string) => z.uuid({ error: `${what} must be a UUID` });
const config = z.record(z.string(), z.unknown(), { error: 'config must be an object' });
const password = z.string({ error: 'password must be text' }).optional();
/** The SSH tunnel's password and key passphrase: to the keyring, or for one connect. */
const sshPassword = z.string({ error: 'sshPassword must be text' }).optional();
const sshPassphrase = z.string({ error: 'sshPassphrase must be text' }).optional();
/** The TLS client key's passphrase (libpq's sslpassword): to the keyring, or for one test. */
const sslPassword = z.string({ error: 'sslPassword must be text' }).optional();
const since = z
  .number({ error: 'since must be a number (epoch ms)' })
  .finite({ error: 'since must be a finite number' });

export const commandArgs = {
  connect: z.object({ config, password, sshPassword, sshPassphrase }).strict(),
  disconnect: z.object({ connectionId: id('connectionId') }).strict(),
  retry: z.object({ connectionId: id('connectionId') }).strict(),
  test_connection: z.object({ config, password, sshPassword, sshPassphrase, sslPassword }).strict(),
  list_connections: z.object({}).strict(),
  save_connection: z.object({ config, password, sshPassword, sshPassphrase, sslPassword }).strict(),
  delete_connection: z.object({ connectionId: id('connectionId') }).strict(),
  get_connection_status: z.object({ connectionId: id('connectionId') }).strict(),
  list_groups: z.object({}).strict(),
  save_group: z
    .object({ group: z.record(z.string(), z.unknown(), { error: 'group must be an object' }) })
    .strict(),
  delete_group: z.object({ groupId: id('groupId') }).strict(),
  query: z
    .object({
      connectionId: id('connectionId'),
      sql: z.string({ error: 'sql must be text' }),
      params: z.array(z.unknown(), { error: 'params must be an array' }).optional(),
      sessionId: z.string({ error: 'sessionId must be text' }).optional(),
    })
    .strict(),
  /** A script split and classified by the real parser (machines/sql-plan.ts); runs nothing. */
  plan_sql: z
    .object({ connectionId: id('connectionId'), sql: z.string({ error: 'sql must be text' }) })
    .strict(),
  /**
   * A script run statement by statement, in order, on the session if given (psql semantics);
   * stops at the first error unless `onError` is 'continue'. `cancel` of the session stops it.
   */
  run_script: z
    .object({
      connectionId: id('connectionId'),
      sql: z.string({ error: 'sql must be text' }),
      sessionId: z.string({ error: 'sessionId must be text' }).optional(),
      onError: z
        .enum(['stop', 'continue'], { error: 'onError must be stop or continue' })
        .optional(),
    })
    .strict(),
  open_session: z.object({ connectionId: id('connectionId') }).strict(),
  close_session: z.object({ sessionId: z.string({ error: 'sessionId must be text' }) }).strict(),
  cancel: z.object({ sessionId: z.string({ error: 'sessionId must be text' }) }).strict(),
  /** WAKE for one connection (the chart's button): ping now, or try the reconnect now. */
  wake: z.object({ connectionId: id('connectionId') }).strict(),
  /**
   * WAKE for every connection, from the page: it came back online, or into view (a laptop lid
   * opened shows the page again). The host's own watchers cover its sleep and its network.
   */
  wake_all: z
    .object({
      cause: z.enum(['online', 'visible'], { error: 'cause must be online or visible' }),
    })
    .strict(),
  /**
   * Trusts the SSH server's host key (the fingerprint of a HostKeyUnknown error), if the server
   * still presents it; written to Tusk's own known-hosts file. A changed key is refused.
   */
  accept_host_key: z
    .object({
      connectionId: id('connectionId'),
      fingerprint: z.string({ error: 'fingerprint must be text' }),
    })
    .strict(),
  /** The views of every connection, whole: what a (re)connecting client starts from. */
  get_views: z.object({}).strict(),
  /**
   * A connection's transitions (its own and its tunnel's, `machine` says which), oldest first:
   * the durable history in the data directory plus what is not written yet. `since`: epoch ms.
   */
  get_history: z.object({ connectionId: id('connectionId'), since: since.optional() }).strict(),
  /** Every connection's transitions since a time (epoch ms), for the all-connections timeline. */
  list_history: z.object({ since }).strict(),
  /** A libpq URI or key=value string (`service=` resolved) as a partial config: the form's import. */
  parse_connection_string: z
    .object({ text: z.string({ error: 'text must be text' }).max(65_536) })
    .strict(),
  /** A saved (or open) connection as a libpq URI, without its password. */
  export_connection_url: z.object({ connectionId: id('connectionId') }).strict(),
  /** The PG* environment of the host process as one saved connection. */
  import_from_env: z.object({}).strict(),
  /** Every service of a service file (default: libpq's files) as saved connections, grouped. */
  import_service_file: z
    .object({ path: z.string({ error: 'path must be text' }).min(1).optional() })
    .strict(),
  /** Breaks the demo connection on purpose, to watch the recovery (main/app/demo-controls.ts). */
  demo_fault: z
    .object({
      connectionId: id('connectionId'),
      fault: z.enum(['terminate', 'restart', 'blackhole'], {
        error: 'fault must be terminate, restart or blackhole',
      }),
      seconds: z
        .number({ error: 'seconds must be a number' })
        .positive({ error: 'seconds must be more than 0' })
        .max(60, { error: 'seconds must be at most 60' })
        .optional(),
    })
    .strict(),
} as const;

export type CommandName = keyof typeof commandArgs;
export type CommandArgs<C extends CommandName> = z.input<(typeof commandArgs)[C]>;

export interface ConnectionInfo {
  id: string;
  serverVersion: string;
  currentDatabase: string;
  currentUser: string;
  backendPid: number;
  /** The host and port it reached (one of `hosts` for a multi-host config). */
  host: string;
  port: number;
}

export interface QueryField {
  name: string;
  dataTypeID: number;
}

export interface QueryResultView {
  rows: Record<string, unknown>[];
  rowCount: number | null;
  fields: QueryField[];
}

/**
 * What a connection string says. `password`, when the string had one, goes back to the UI that
 * sent the text (which held it already) so that it can offer it for the keyring through
 * `save_connection`'s `password`; it never enters a view, a log, an event or the file.
 */
export interface ParsedConnectionStringResult {
  config: ConnectionStringConfig;
  password?: string;
  /** The service file a `service=` was resolved from. */
  serviceFile?: string;
}

/** What an import saved, the groups it used, and what it could not import and why. */
export interface ImportedConnections {
  connections: ConnectionConfig[];
  groups: ConnectionGroup[];
  skipped: { name: string; error: TuskErrorData }[];
}

/** One connection's lane of the all-connections timeline. */
export interface ConnectionHistory {
  connectionId: string;
  records: TransitionRecord[];
}

export interface CommandResults {
  connect: ConnectionInfo;
  disconnect: null;
  retry: null;
  test_connection: TestConnectionResult;
  list_connections: { config: ConnectionConfig; status: ConnectionStatus }[];
  save_connection: null;
  delete_connection: null;
  get_connection_status: ConnectionStatus;
  list_groups: ConnectionGroup[];
  save_group: null;
  delete_group: null;
  query: QueryResultView;
  plan_sql: ScriptPlan;
  run_script: ScriptResult;
  open_session: { sessionId: string };
  close_session: null;
  cancel: null;
  wake: null;
  wake_all: null;
  accept_host_key: null;
  get_views: ViewsPayload;
  get_history: TransitionRecord[];
  list_history: ConnectionHistory[];
  parse_connection_string: ParsedConnectionStringResult;
  export_connection_url: { url: string };
  import_from_env: ImportedConnections;
  import_service_file: ImportedConnections;
  demo_fault: null;
}

export type CommandResult<C extends CommandName> = C extends keyof CommandResults
  ? CommandResults[C]
  : never;

/** Events, host → UI. */
export interface HostEvents {
  'connection:status': ConnectionStatusEvent;
  'connection:views': ViewsPayload;
  /** Host-wide notices, e.g. "no OS keyring was found: passwords are kept for this run only". */
  'host:notice': { level: 'info' | 'warning'; message: string };
}
export type HostEventName = keyof HostEvents;
/** Every event name, for the hosts and the preload to refuse any other. */
export const hostEventNames = [
  'connection:status',
  'connection:views',
  'host:notice',
] as const satisfies readonly HostEventName[];

/** What the renderer talks to: one interface, two implementations (Electron preload, WebSocket). */
export interface Transport {
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  on<E extends HostEventName>(event: E, listener: (payload: HostEvents[E]) => void): () => void;
}

/** The frames of browser mode's WebSocket (DESIGN.md). */
export interface RequestFrame {
  id: number;
  command: string;
  args?: unknown;
}
export type ReplyFrame =
  | { id: number | null; ok: true; result: unknown }
  | {
      id: number | null;
      ok: false;
      error: {
        kind: string;
        message: string;
        code?: string;
        detail?: string;
        hint?: string;
        field?: string;
        position?: number;
        path?: string;
      };
    };

/** A command's outcome as it crosses either host: the reply frame without its id. */
export type Reply = { ok: true; result: unknown } | Omit<Extract<ReplyFrame, { ok: false }>, 'id'>;
export interface EventFrame {
  event: HostEventName;
  payload: unknown;
}
