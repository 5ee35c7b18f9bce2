import type { Duplex } from 'node:stream';
import pg from 'pg';
import type { ConnectionConfig } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import { guardAuthentication, type TuskClientConfig } from './auth-guard.ts';
import { type MapOptions, toTuskError } from './errors.ts';
import {
  checkSettings,
  type ExpectedSettings,
  enforcesAnything,
  expectedSettings,
  startupOptions,
  transactionSql,
  VERIFY_SQL,
} from './settings.ts';
import type { TlsPlan } from './tls.ts';

/** What a session tells each physical connection it creates, and hears back from it. */
export interface ClientHooks {
  expected: ExpectedSettings;
  connectTimeoutMs: number;
  /** False once a pooler refused startup `options`: later connections go without them. */
  startupOptions(): boolean;
  /**
   * Told whether this connection reached PostgreSQL through a pooler (its BackendKeyData pid is
   * not the backend's); answers whether the session enforces the settings per transaction, in
   * which case this connection's own settings are not checked (the pooler may hand each
   * transaction to another backend, so they would prove nothing).
   */
  perTransaction(pooled: boolean): boolean;
  mapOptions(): MapOptions;
  /** Every client, from construction on, so a close can reach sockets that are still connecting. */
  track(client: TuskClient): void;
  /** An error on a client that had connected and been verified: its connection is gone. */
  onError(client: TuskClient, error: Error): void;
  /**
   * Statements to send in the verify query's own message (one simple Query, one round trip),
   * and where their results go once the connection is verified; null for none. A session asks
   * its first physical connection for the session settings, server info and role this way.
   */
  piggyback?(): Piggyback | null;
}

export interface Piggyback {
  sql: string;
  take(results: pg.QueryResult[]): void;
}

/** The node-postgres fields this module relies on that @types/pg does not declare. */
interface ClientInternals {
  readyForQuery?: boolean;
  processID: number | null;
  secretKey: number | null;
}

type ConnectCallback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

export interface TuskClient extends pg.Client {
  /** Connected and verified; errors before that are reported to connect()'s caller only. */
  readonly usable: boolean;
  /** A query is on the wire (or queued) and its answer has not come back. */
  readonly busy: boolean;
  /** From the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  readonly transactionStatus: 'I' | 'T' | 'E' | null;
  /**
   * Resolves once the server is ready for the next query (ReadyForQuery), so that
   * `transactionStatus` is current; or once the connection ends. pg calls a query's callback
   * with an error on ErrorResponse, before that ReadyForQuery.
   */
  settled(): Promise<void>;
  /**
   * This backend's `default_transaction_read_only` is `on` as the server last reported it
   * (ParameterStatus, PostgreSQL 14 and later), on a direct connection whose client undoes any
   * change of it before its next statement (#keepReadOnly). False when unknown or behind a
   * pooler: then nothing says what the next transaction starts as.
   */
  readonly readOnlyByDefault: boolean;
  /** Backend pid and cancel key, for a CancelRequest. */
  readonly cancelKey: { pid: number; secret: number } | null;
  /**
   * Its login is in flight and the server has answered it: a backend exists, and cutting the
   * socket now would leave it to notice on its own, after a close had resolved.
   */
  readonly loggingIn: boolean;
  /** Resolves once the connect in flight (if any) has succeeded or failed; never rejects. */
  loginSettled(): Promise<void>;
  /** Closes the socket at once: no goodbye, running queries fail now. */
  destroy(): void;
  /**
   * Destroys it on purpose (a session's backend that would not come clean): its end is not the
   * connection's loss, so the session is not replaced for it.
   */
  discard(): void;
}

/**
 * A pg.Client whose connect() also proves the server applied the session settings, so every
 * physical connection, the control one and each one pg-pool opens, is checked, not just the first.
 * pg-pool calls `client.connect(callback)`, so both calling styles are kept. The connect
 * deadline covers the verification query too (pg's own connectionTimeoutMillis stops at
 * ReadyForQuery), and a failed connect always destroys its socket: pg leaves it open, and a
 * server waiting for a password would keep a backend slot until authentication_timeout.
 */
/** What pg's getStartupConf() reads; each left unset falls back to the environment. */
interface StartupParameters {
  options?: string;
  replication?: string;
}

/** pg's Connection events for the server's first answers to a login. */
const SERVER_ANSWERS = [
  'sslconnect',
  'authenticationOk',
  'authenticationCleartextPassword',
  'authenticationMD5Password',
  'authenticationSASL',
  'errorMessage',
] as const;

export function clientClass(hooks: ClientHooks): new (config: pg.ClientConfig) => TuskClient {
  return class VerifiedClient extends pg.Client implements TuskClient {
    #usable = false;
    #login: Promise<unknown> | null = null;
    /** The server sent something for this connection (TLS answer, an auth request, an error). */
    #heard = false;
    /** As the server reported it at startup (ParameterStatus). */
    #serverVersion = '';
    /** `default_transaction_read_only` as the server last reported it; '' before any report. */
    #defaultReadOnly = '';
    /** A change of that default is undone here (#keepReadOnly): a direct read-only connection. */
    #keepsReadOnly = false;

    constructor(config: pg.ClientConfig) {
      // pg-pool keeps `password` non-enumerable on the config it passes: a spread would drop it.
      super(
        hooks.startupOptions()
          ? config
          : { ...config, password: config.password, options: undefined },
      );
      // pg reads PG* environment variables for what a config leaves unset (PGOPTIONS for
      // `options`, PGREPLICATION): the saved config alone decides what a session runs with.
      const params = (this as unknown as { connectionParameters: StartupParameters })
        .connectionParameters;
      params.options = hooks.startupOptions() ? config.options : undefined;
      params.replication = undefined;
      // Always listened to: an 'error' without a listener kills the process, and pg-pool
      // removes its own listener while a client is checked out.
      this.on('error', (error: Error) => {
        if (this.#usable) hooks.onError(this, error);
      });
      hooks.track(this);
      const heard = () => {
        this.#heard = true;
      };
      for (const event of SERVER_ANSWERS) this.connection.once(event, heard);
      guardAuthentication(this, (config as TuskClientConfig).auth);
      this.connection.on(
        'parameterStatus',
        (message: { parameterName: string; parameterValue: string }) => {
          if (message.parameterName === 'server_version') {
            this.#serverVersion = message.parameterValue;
          } else if (message.parameterName === 'default_transaction_read_only') {
            this.#defaultReadOnly = message.parameterValue;
          }
        },
      );
    }

    get usable(): boolean {
      return this.#usable;
    }

    get busy(): boolean {
      return this.#usable && (this as unknown as ClientInternals).readyForQuery === false;
    }

    get transactionStatus(): 'I' | 'T' | 'E' | null {
      return this.getTransactionStatus();
    }

    settled(): Promise<void> {
      if ((this as unknown as ClientInternals).readyForQuery !== false) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          this.connection.off('readyForQuery', done);
          this.connection.off('end', done);
          resolve();
        };
        // pg's own handler was attached first (at connect), so the status is set when this runs.
        this.connection.on('readyForQuery', done);
        this.connection.on('end', done);
      });
    }

    get readOnlyByDefault(): boolean {
      return this.#keepsReadOnly && this.#defaultReadOnly === 'on';
    }

    get cancelKey(): { pid: number; secret: number } | null {
      const { processID, secretKey } = this as unknown as ClientInternals;
      return processID != null && secretKey != null ? { pid: processID, secret: secretKey } : null;
    }

    get loggingIn(): boolean {
      return this.#login !== null && this.#heard;
    }

    loginSettled(): Promise<void> {
      return (this.#login ?? Promise.resolve()).then(
        () => undefined,
        () => undefined,
      );
    }

    destroy(): void {
      this.connection.stream.destroy();
    }

    discard(): void {
      this.#usable = false;
      this.destroy();
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | undefined {
      const done = this.#connectVerified();
      this.#login = done;
      const settled = () => {
        if (this.#login === done) this.#login = null;
      };
      done.then(settled, settled);
      if (!callback) return done;
      done.then(
        (client) => (callback as (err: null, c: pg.Client) => void)(null, client),
        (error: Error) => (callback as (err: Error) => void)(error),
      );
      return undefined;
    }

    /**
     * A `SET default_transaction_read_only = off` would outlive its query on a pooled backend
     * and let every later query on it write. The server reports the change (a ParameterStatus
     * since PostgreSQL 14), so a restoring SET is queued at once: pg runs it before anything
     * else this client is given, and an explicit `BEGIN READ WRITE` still works for the one
     * transaction it opens.
     */
    #keepReadOnly(): void {
      this.connection.on(
        'parameterStatus',
        (message: { parameterName: string; parameterValue: string }) => {
          if (message.parameterName !== 'default_transaction_read_only') return;
          if (message.parameterValue === 'on') return;
          this.query('SET default_transaction_read_only = on').catch(() => this.destroy());
        },
      );
    }

    /**
     * Behind a pooler the settings ride on a transaction per statement (guard.ts): one is tried
     * now, so a pooler that allows none (PgBouncer's statement pooling, which then drops the
     * client) refuses the connect with a reason instead of failing every statement later.
     */
    async #tryTransaction(): Promise<void> {
      try {
        await this.query(transactionSql(hooks.expected).begin);
        await this.query('COMMIT');
      } catch (error) {
        const message = (error as { message?: unknown } | null)?.message;
        if (typeof message !== 'string' || !message.includes('statement pooling')) throw error;
        throw new TuskError(
          {
            kind: 'ConnectionFailed',
            code: '08P01',
            message:
              'The connection pooler runs in statement pooling mode, which allows no transaction ' +
              'blocks, so read-only and the statement timeout cannot be enforced through it. ' +
              'Use session or transaction pooling for this database (PgBouncer: pool_mode), ' +
              'connect to PostgreSQL directly, or turn off read-only and the statement timeout.',
          },
          { cause: error },
        );
      }
    }

    async #connectVerified(): Promise<pg.Client> {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.destroy();
      }, hooks.connectTimeoutMs);
      timer.unref();
      try {
        await super.connect();
        // PgBouncer's admin console reports its own version ("1.23.1/bouncer") and closes a
        // connection that sends it several statements at once: it gets the verify query alone.
        let extra = this.#serverVersion.endsWith('/bouncer') ? null : (hooks.piggyback?.() ?? null);
        const verify = () =>
          this.query(VERIFY_SQL).catch((error: unknown) => {
            throw adminConsole(error) ?? error;
          });
        // An error the server answered in the shared flight (PgBouncer's admin console takes
        // one statement per message; a server may refuse a piggybacked statement) is judged on
        // the verify query alone, and the session's later steps then ask on their own.
        const answer = (await (extra
          ? this.query(`${VERIFY_SQL}; ${extra.sql}`).catch((error: unknown) => {
              if (!(error instanceof pg.DatabaseError)) throw error;
              extra = null;
              return verify();
            })
          : verify())) as pg.QueryResult | pg.QueryResult[];
        const [result, ...rest] = Array.isArray(answer) ? answer : [answer];
        const row = result?.rows[0];
        const pooled = Number(row.pid) !== (this as unknown as ClientInternals).processID;
        const perTransaction = hooks.perTransaction(pooled);
        if (!perTransaction) {
          const problem = checkSettings(row, hooks.expected);
          if (problem) throw problem;
        } else if (enforcesAnything(hooks.expected)) {
          await this.#tryTransaction();
        }
        // Behind a pooler a restoring SET would land on whichever server backend is next, and
        // stay there for the pooler's other clients; each transaction is read-only anyway.
        if (hooks.expected.readonly && !perTransaction) {
          this.#keepReadOnly();
          // Its reports come from this very backend only when nothing sits in between.
          this.#keepsReadOnly = !pooled;
        }
        extra?.take(rest);
        this.#usable = true;
        return this;
      } catch (error) {
        this.destroy();
        if (timedOut) {
          const { target } = hooks.mapOptions();
          throw new TuskError(
            {
              kind: 'ConnectionTimeout',
              message: `Connecting to ${target ?? 'the server'} did not finish within ${hooks.connectTimeoutMs / 1000} s`,
            },
            { cause: error },
          );
        }
        throw toTuskError(error, 'connect', hooks.mapOptions());
      } finally {
        clearTimeout(timer);
      }
    }
  };
}

/**
 * PgBouncer's admin console answers SQL with `invalid command '...', use SHOW HELP;`. It is not a
 * database: our own check query fails there, and so would every statement a user types.
 */
function adminConsole(error: unknown): TuskError | null {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !message.includes('use SHOW HELP')) return null;
  return new TuskError(
    {
      kind: 'ConnectionFailed',
      code: '08P01',
      message:
        'This is PgBouncer\'s admin console (database "pgbouncer"), which takes only its own ' +
        'commands (SHOW POOLS, RELOAD, ...), not SQL: Tusk cannot open it as a connection. ' +
        'Use psql for the console, or connect to a database behind the pooler.',
    },
    { cause: error },
  );
}

/** TCP keepalive on every socket; Node then probes each second (not configurable in Node 20). */
export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * pg's options for every physical connection of a session. The password is a function, so pg
 * asks for it only when the server does and never falls back to PGPASSWORD or ~/.pgpass; the
 * function (and pg-pool's copy of it) is not the secret itself.
 */
export function clientConfig(
  config: ConnectionConfig,
  ssl: TlsPlan['ssl'],
  password: () => string,
  stream?: () => Duplex,
): TuskClientConfig {
  // A user's own startup options go first: the settings Tusk enforces come after, and win.
  const startup = [config.options.startupOptions, startupOptions(expectedSettings(config.options))]
    .filter(Boolean)
    .join(' ');
  const idleSec = config.options.tcpKeepalivesIdleSec;
  return {
    // Through an SSH tunnel: each client's socket is a channel of the tunnel (main/ssh).
    ...(stream && { stream }),
    // libpq's hostaddr: the socket goes to the address; TLS checks `host` (see tls.ts).
    host: config.hostaddr ?? config.host,
    port: config.port,
    user: config.username,
    database: config.database,
    password,
    application_name: config.options.applicationName,
    options: startup || undefined,
    ssl,
    // libpq's channel_binding: pg only ever prefers SCRAM-SHA-256-PLUS; `require` is enforced
    // by the authentication guard.
    enableChannelBinding: config.channelBinding !== 'disable',
    auth: {
      channelBinding: config.channelBinding ?? 'prefer',
      ...(config.requireAuth && { requireAuth: config.requireAuth }),
    },
    // Always set, so that PGSSLNEGOTIATION in the environment does not decide it; direct only
    // with TLS (a Unix socket has none).
    sslnegotiation: ssl && config.sslNegotiation === 'direct' ? 'direct' : 'postgres',
    keepAlive: config.options.tcpKeepalives !== false,
    keepAliveInitialDelayMillis:
      idleSec !== undefined ? idleSec * 1000 : KEEPALIVE_INITIAL_DELAY_MS,
  };
}
