import pg from 'pg';
import type { ConnectionConfig, TargetSessionAttrs } from '../../machines/config.ts';
import type {
  CloseInput,
  PingResult,
  PoolUse,
  ServerInfo,
  SessionSettings,
} from '../../machines/connection.types.ts';
import { TuskError } from '../../machines/errors.ts';
import { type AuthUsed, authUsed } from './auth-guard.ts';
import type { SocketFactory } from './cancel.ts';
import { clientClass, clientConfig, type Piggyback, type TuskClient } from './client.ts';
import { closeClients, destroyAll, type SessionResources } from './close.ts';
import { hasSqlstate, type MapOptions, notConnected, toTuskError } from './errors.ts';
import { keptTarget, mismatch, ROLE_PING_SQL, ROLE_SQL, targetMismatch, toRole } from './hosts.ts';
import { LostAlarm } from './lost.ts';
import {
  enforcesAnything,
  expectedSettings,
  refusesStartupOptions,
  SERVER_INFO_SQL,
  SHOW_SQL,
  shownValues,
  toServerInfo,
  toSessionSettings,
} from './settings.ts';
import { withDeadline } from './timing.ts';
import { type TlsPlan, tlsPlan, withTlsFallback } from './tls.ts';

/**
 * The control client waits for the queries that waited for `connected` (a reconnect's callers)
 * to finish first, so that its login does not compete with them for the server; at most this
 * long, then it opens anyway (a long query, a pinned session).
 */
const CONTROL_DEFER_MS = 250;

/** Idle pooled backends go back to the server after this; the control connection stays. */
const POOL_IDLE_TIMEOUT_MS = 10_000;
/** Tagged so it can be told apart from user queries in pg_stat_activity. */
export const PING_SQL = 'SELECT 1 /* tusk keepalive */';
export type CloseReason = CloseInput['reason'];
type State = 'opening' | 'open' | 'lost' | 'closed';
/** SHOW_SQL's statements: read-only, statement timeout, application name. */
const SHOWN = 3;

/** What the first physical connection read in its verify flight (see `#piggyback`). */
interface FirstRead {
  shown: pg.QueryResult[];
  info: pg.QueryResult | undefined;
  role: pg.QueryResult | undefined;
}

/**
 * One open connection: a control client (keepalive ping, so it never waits behind user queries
 * for a pooled client) and a pg.Pool of `poolMax - 1` clients for queries, so the connection
 * never holds more than `poolMax` backends. With poolMax 1 there is no control client and
 * everything goes through the pool's single client (see ping()).
 *
 * Opening costs what the protocol needs for one connection (TCP, TLS, startup, SCRAM) and one
 * query: the pool's first client is opened first, and its verify query carries SHOW, the server
 * info and the role in the same message (`#piggyback`), so applySettings and readServerInfo
 * answer from what that flight read. The control client opens after that, behind `connected`
 * and the queries that waited for it (`#openControlWhenIdle`)
 * (so a wrong password has cost one login only; `controlReady`).
 *
 * The password lives only in a private field (not a property, so never enumerable, serialised
 * or logged) and is dropped when the session closes.
 */
/** Resolves once the pool has no client checked out and nobody waiting, or after `maxMs`. */
function untilIdle(pool: pg.Pool, maxMs: number): Promise<void> {
  const idle = () => pool.idleCount === pool.totalCount && pool.waitingCount === 0;
  if (idle()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pool.off('release', check);
      pool.off('remove', check);
      resolve();
    };
    // Released clients are counted idle after the event: look once the release is through.
    const check = () => setImmediate(() => idle() && done());
    const timer = setTimeout(done, maxMs);
    timer.unref();
    pool.on('release', check);
    pool.on('remove', check);
  });
}

export class PgSession {
  readonly connectionId: string;
  readonly config: ConnectionConfig;
  #password: string | undefined;
  /** The client key's passphrase (libpq's sslpassword), from the keyring; private like #password. */
  #keyPassphrase: string | undefined;
  #state: State = 'opening';
  #closing: Promise<void> | null = null;
  readonly #res: SessionResources = { control: null, pool: null, clients: new Set() };
  readonly #alarm = new LostAlarm();
  readonly #Client: ReturnType<typeof clientClass>;
  /** Cleared when a pooler refuses startup `options`. */
  #startupOptions = true;
  /** Decided by the first physical connection: true behind a pooler. */
  #viaPooler: boolean | undefined;
  readonly #enforces: boolean;
  /** The target of the open in progress: its role is read in the first verify flight. */
  #target: TargetSessionAttrs = 'any';
  #firstClaimed = false;
  #first: FirstRead | null = null;
  #controlReady: Promise<void> = Promise.resolve();
  /**
   * The control client's last login: on its way (`dialing`), answered by the server (`heard`:
   * open, or refused with a SQLSTATE), or not (`unheard`: no answer, a network error).
   */
  #controlLogin: 'none' | 'dialing' | 'heard' | 'unheard' = 'none';
  /** What the first connection settled on (`prefer` may have fallen back), for the control. */
  #ssl: TlsPlan['ssl'] | undefined;
  /** Through an SSH tunnel: every socket (pooled clients, cancel requests) is one of its channels. */
  readonly stream: SocketFactory | undefined;

  constructor(
    connectionId: string,
    config: ConnectionConfig,
    password: string | undefined,
    options: { stream?: SocketFactory; keyPassphrase?: string } = {},
  ) {
    this.connectionId = connectionId;
    this.config = config;
    this.#password = password;
    this.#keyPassphrase = options.keyPassphrase;
    const expected = expectedSettings(config.options);
    this.#enforces = enforcesAnything(expected);
    this.stream = options.stream;
    this.#Client = clientClass({
      expected,
      connectTimeoutMs: this.#timeoutMs,
      startupOptions: () => this.#startupOptions,
      perTransaction: (pooled) => {
        this.#viaPooler ??= pooled;
        return this.#viaPooler;
      },
      mapOptions: () => this.mapOptions(),
      track: (client) => {
        this.#res.clients.add(client);
        client.once('end', () => this.#res.clients.delete(client));
      },
      onError: (_client, error) => this.#lost(error),
      piggyback: () => this.#piggyback(),
    });
  }

  /**
   * The first physical connection of an open reads, in its verify query's message, what the
   * machine's later steps report (SHOW, server info) and, for a target other than any, the
   * server's role: one round trip where there were three. Later connections verify alone.
   */
  #piggyback(): Piggyback | null {
    if (this.#state !== 'opening' || this.#firstClaimed) return null;
    this.#firstClaimed = true;
    const withRole = this.#target !== 'any';
    return {
      sql: [SHOW_SQL, SERVER_INFO_SQL, ...(withRole ? [ROLE_SQL] : [])].join('; '),
      take: (results) => {
        this.#first = {
          shown: results.slice(0, SHOWN),
          info: results[SHOWN],
          role: withRole ? results[SHOWN + 1] : undefined,
        };
      },
    };
  }

  /**
   * Settles once the control client's open, started behind `connected`, is done (open or not,
   * see `#openControl`); the keepalive ping waits for it. Resolved with poolMax 1.
   */
  /** How the server authenticated this session's connections (the connection test says it). */
  get authentication(): AuthUsed | undefined {
    for (const client of this.#res.clients) {
      const used = authUsed(client);
      if (used) return used;
    }
    return undefined;
  }

  get controlReady(): Promise<void> {
    return this.#controlReady;
  }

  get #timeoutMs(): number {
    return this.config.options.connectTimeoutSec * 1000;
  }

  /** Open and not lost: new queries may start. */
  get usable(): boolean {
    return this.#state === 'open';
  }
  get closed(): boolean {
    return this.#state === 'closed';
  }
  get lostError(): TuskError | null {
    return this.#alarm.error;
  }
  /** Aborted once the session takes no more work (lost or closed). */
  get signal(): AbortSignal {
    return this.#alarm.signal;
  }
  /** The close in progress or done, if any. */
  get closing(): Promise<void> | null {
    return this.#closing;
  }
  get pool(): pg.Pool | null {
    return this.#res.pool;
  }
  get poolUse(): PoolUse {
    const pool = this.#res.pool;
    return {
      total: pool?.totalCount ?? 0,
      idle: pool?.idleCount ?? 0,
      waiting: pool?.waitingCount ?? 0,
    };
  }

  /**
   * Reached PostgreSQL through a pooler (PgBouncer): the backend may change between
   * transactions, so state outside a transaction is not promised to persist.
   */
  get viaPooler(): boolean {
    return this.#viaPooler === true;
  }

  /**
   * Read-only or the statement timeout must be enforced on each transaction (guard.ts), since
   * behind a pooler a setting of one physical connection says nothing about the next
   * transaction's backend.
   */
  get perTransaction(): boolean {
    return this.#enforces && this.#viaPooler === true;
  }

  /**
   * How many sessions (pinned backends) the pool lends at once: its `poolMax - 1` clients less
   * one that stays for unpinned queries, so `poolMax - 2` (none below poolMax 3).
   */
  get sessionLimit(): number {
    return Math.max(0, this.config.options.poolMax - 2);
  }

  mapOptions(): MapOptions {
    return { target: `${this.config.host}:${this.config.port}`, secret: this.#password };
  }

  /**
   * Connects the pool's first client within connectTimeoutSec, and starts the control client
   * once it is verified (and the target checked). With a `target` other than any, the first
   * connection asks the server its role, and a server that does not match fails the open with
   * TARGET_MISMATCH (hosts.ts) before a second connection is made.
   */
  async open(signal: AbortSignal, target: TargetSessionAttrs = 'any'): Promise<void> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      destroyAll(this.#res);
    }, this.#timeoutMs);
    timer.unref();
    // A cancelled open cuts the sockets the server has not answered; a login it has answered
    // runs on (bounded by the timer above), for the close to end with a Terminate.
    const stop = () => {
      for (const client of this.#res.clients) if (!client.loggingIn) client.destroy();
    };
    signal.addEventListener('abort', stop, { once: true });
    this.#target = target;
    try {
      const plan = await tlsPlan(this.config, { keyPassphrase: this.#keyPassphrase });
      const max = this.config.options.poolMax;
      // The first connection decides whether `prefer` fell back to plain text; the rest follow.
      const ssl = await withTlsFallback(
        plan,
        () => this.#state === 'opening',
        (s) =>
          this.#unlessOptionsRefused(async () => {
            this.#firstClaimed = false;
            this.#first = null;
            await this.#openPool(s, Math.max(1, max - 1));
          }),
      );
      await this.#checkTarget(target);
      this.#checkStillOpening(signal);
      this.#state = 'open';
      if (max > 1) this.#controlReady = this.#openControlWhenIdle(ssl);
    } catch (error) {
      if (timedOut) {
        throw new TuskError(
          {
            kind: 'ConnectionTimeout',
            message: `Connecting to ${this.mapOptions().target} did not finish within ${this.config.options.connectTimeoutSec} s`,
          },
          { cause: error },
        );
      }
      if (this.#state === 'lost' && this.lostError) throw this.lostError;
      throw this.#directTlsHint(toTuskError(error, 'connect', this.mapOptions()));
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    }
  }

  /**
   * A server before PostgreSQL 17, or a pooler, reads a direct TLS handshake as a broken
   * startup packet and hangs up: a connect that fails before the server said anything (no
   * SQLSTATE) says what to change.
   */
  #directTlsHint(error: TuskError): TuskError {
    if (this.config.sslNegotiation !== 'direct' || error.kind !== 'ConnectionFailed') return error;
    if (error.code && /^[0-9A-Z]{5}$/.test(error.code) && !error.code.startsWith('ERR'))
      return error;
    return new TuskError(
      {
        ...error.toJSON(),
        hint: 'Direct TLS needs PostgreSQL 17 or later and no pooler in between: set TLS negotiation to postgres for an older server',
      },
      { cause: error },
    );
  }

  /** Rejects with TARGET_MISMATCH (ConnectionLost when `lost`) if the server is not `target`. */
  async #checkTarget(target: TargetSessionAttrs | null, lost = false): Promise<void> {
    if (target === null || target === 'any') return;
    // At open, the first connection's verify flight read it (`#piggyback`).
    const result =
      (!lost && this.#first?.role) ||
      (await this.#controlQuery(lost ? ROLE_PING_SQL : ROLE_SQL, 'Reading the server role'));
    const row = (result as pg.QueryResult).rows[0] as Record<string, unknown> | undefined;
    const why = mismatch(target, toRole(row, this.config.options.readonly));
    if (why) throw targetMismatch(this.config, why, lost);
  }

  /**
   * PgBouncer refuses startup `options` unless told to ignore them; the first connection then
   * goes again without them, and the settings are enforced per transaction instead (the
   * verification of that connection finds the pooler, see client.ts).
   */
  async #unlessOptionsRefused(connect: () => Promise<void>): Promise<void> {
    try {
      await connect();
    } catch (error) {
      if (!this.#startupOptions || !refusesStartupOptions(error)) throw error;
      this.#startupOptions = false;
      await connect();
    }
  }

  #checkStillOpening(signal?: AbortSignal): void {
    if (this.#state === 'lost' && this.lostError) throw this.lostError;
    if (this.#state !== 'opening' || signal?.aborted) {
      throw new TuskError({ kind: 'ConnectionFailed', message: 'Connecting was cancelled' });
    }
  }

  #clientConfig(ssl: TlsPlan['ssl']): pg.ClientConfig {
    return clientConfig(
      this.config,
      ssl,
      () => {
        if (this.#password !== undefined) return this.#password;
        throw new TuskError({
          kind: 'AuthFailed',
          message: `The server asked for a password, but none is set for "${this.config.name}"`,
        });
      },
      this.stream,
    );
  }

  /**
   * Opens the control client behind `connected`. A close meanwhile destroys it (every client is
   * tracked from construction). A failure is not a loss: the pool's clients still work (a loss
   * of the server shows on them and on the ping), so until a later ping opens it again the ping
   * goes through the pool, as with poolMax 1. Were a refused control client a loss, a server at
   * its connection limit would be reconnected to in a loop with no backoff (each reconnect
   * reaches `connected`, which resets the attempts).
   */
  async #openControlWhenIdle(ssl: TlsPlan['ssl']): Promise<void> {
    this.#ssl = ssl;
    // The queries that waited for `connected` are sent by the time a setImmediate runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pool = this.#res.pool;
    if (pool) await untilIdle(pool, CONTROL_DEFER_MS);
    if (this.#state === 'open') await this.#openControl(ssl);
  }

  async #openControl(ssl: TlsPlan['ssl']): Promise<void> {
    this.#ssl = ssl;
    const client = new this.#Client(this.#clientConfig(ssl));
    this.#controlLogin = 'dialing';
    try {
      await client.connect();
      this.#controlLogin = 'heard';
    } catch (error) {
      this.#controlLogin = hasSqlstate(error) ? 'heard' : 'unheard';
      return;
    }
    // Closed meanwhile: the close waited for this login (it is tracked) and ends it politely.
    if (this.#state === 'closed') return;
    if (this.#state !== 'open') {
      client.destroy();
      return;
    }
    this.#res.control = client;
    client.once('end', () =>
      this.#lost(
        new TuskError({ kind: 'ConnectionLost', message: 'The control connection ended' }),
      ),
    );
  }

  /** Creates the pool and opens (so verifies) its first client now, not at the first query. */
  async #openPool(ssl: TlsPlan['ssl'], max: number): Promise<void> {
    this.#checkStillOpening();
    const pool = new pg.Pool({
      ...this.#clientConfig(ssl),
      max,
      idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
      Client: this.#Client as unknown as pg.PoolConfig['Client'],
    });
    // pg-pool re-emits an idle client's error here; without a listener the process would die.
    pool.on('error', (error, client) => {
      if ((client as unknown as TuskClient).usable) this.#lost(error);
    });
    this.#res.pool = pool;
    try {
      (await pool.connect()).release();
    } catch (error) {
      this.#res.pool = null;
      pool.end().catch(() => undefined);
      throw error;
    }
  }

  #lost(error: unknown): void {
    if (this.#state !== 'open' && this.#state !== 'opening') return;
    let mapped = toTuskError(error, 'established', this.mapOptions());
    if (mapped.kind !== 'ConnectionLost') {
      mapped = new TuskError({ ...mapped.toJSON(), kind: 'ConnectionLost' }, { cause: error });
    }
    this.#state = 'lost';
    this.#alarm.fire(mapped);
  }

  /** For the query path: a query found the connection broken. */
  reportLost(error: unknown): void {
    this.#lost(error);
  }

  /** Calls `waiter` once when the session takes no more work (lost or closed); see `signal`. */
  onStop(waiter: () => void): () => void {
    return this.#alarm.onStop(waiter);
  }

  /** Calls `listener` once when the session is found lost (soon, if it already is). */
  onLost(listener: (error: TuskError) => void): () => void {
    return this.#alarm.subscribe(listener);
  }

  /** A query on the control client, or on the pool when there is none (poolMax 1). */
  #controlQuery(sql: string, what: string): Promise<pg.QueryResult | pg.QueryResult[]> {
    if (this.#state !== 'open' && this.#state !== 'opening') {
      return Promise.reject(this.lostError ?? notConnected());
    }
    const target = this.#res.control ?? this.#res.pool;
    if (!target) return Promise.reject(notConnected());
    const sec = this.config.options.connectTimeoutSec;
    return withDeadline(
      target.query(sql) as Promise<pg.QueryResult | pg.QueryResult[]>,
      this.#timeoutMs,
      () =>
        new TuskError({ kind: 'ConnectionLost', message: `${what} got no answer within ${sec} s` }),
    );
  }

  /**
   * The session as it stands: a loss heard of since the open (the server's FATAL on a
   * terminated backend, a socket's end) fails the step that reads from the first flight.
   */
  #stillUsable(): void {
    if (this.#state !== 'open' && this.#state !== 'opening') throw this.lostError ?? notConnected();
  }

  /** What SHOW said, in the first connection's verify flight (asked again if it did not run). */
  async applySettings(): Promise<SessionSettings> {
    try {
      this.#stillUsable();
      const results =
        this.#first?.shown ?? (await this.#controlQuery(SHOW_SQL, 'Reading the session settings'));
      const [ro, st, app] = shownValues(Array.isArray(results) ? results : [results]);
      const shown = toSessionSettings(ro ?? '', st ?? '', app ?? '');
      if (!this.perTransaction) return shown;
      // The control connection's own settings say nothing behind a pooler: what every
      // statement runs with is what guard.ts sets on its transaction.
      const { readonly, statementTimeoutMs } = this.config.options;
      return {
        ...shown,
        readonly: readonly || shown.readonly,
        statementTimeoutMs: statementTimeoutMs ?? shown.statementTimeoutMs,
      };
    } catch (error) {
      throw toTuskError(error, 'connect', this.mapOptions());
    }
  }

  async readServerInfo(): Promise<ServerInfo> {
    try {
      this.#stillUsable();
      const result =
        this.#first?.info ?? (await this.#controlQuery(SERVER_INFO_SQL, 'Reading server info'));
      const { host, port } = this.config;
      return { ...toServerInfo((result as pg.QueryResult).rows[0]), host, port };
    } catch (error) {
      throw toTuskError(error, 'connect', this.mapOptions());
    }
  }

  /**
   * The keepalive round trip, on the control client so it never queues behind user queries; a
   * silently dropped network shows up as no answer within connectTimeoutSec. With poolMax 1 the
   * ping shares the only client: when a query holds it, no ping is sent (`skipped`) rather than
   * queueing behind the query, so a silent drop during that query is noticed only when TCP
   * notices (documented limitation).
   *
   * `pathInDoubt`: a sleep or a network change came first, so every socket opened before it is in
   * doubt. The control client, open or dialed by then, shares their path and stands for them all:
   * a login on its way at the wake is waited for (its own deadline bounds it), and one that gets
   * no answer is a loss. With no control socket from before the wake (its open not begun, or
   * refused by a full server) there is nothing to ask: a control client opened now would answer
   * through the new path while a session's socket on the old one waits forever. The session is
   * then taken as lost and replaced, as clients that reconnect after every sleep do; a reconnect
   * is the cost, and only in that case.
   */
  async ping({ pathInDoubt = false }: { pathInDoubt?: boolean } = {}): Promise<PingResult> {
    if (pathInDoubt && !this.#res.control && this.config.options.poolMax > 1) {
      const dialed = this.#controlLogin === 'dialing';
      if (dialed) await this.#controlReady;
      // A refusal (a full server) crossed the path after the wake too: the path is alive.
      if (!dialed || this.#controlLogin !== 'heard') {
        throw new TuskError({
          kind: 'ConnectionLost',
          message: dialed
            ? "After a sleep or a network change, the keepalive connection's login got no answer: reconnecting"
            : 'After a sleep or a network change, no keepalive connection was open to check the network path with: reconnecting',
        });
      }
    }
    // Bounded: the control client's connect has its own connectTimeoutSec deadline.
    await this.#controlReady;
    if (!this.#res.control && this.#ssl !== undefined && this.#state === 'open') {
      // It could not be opened before: try again behind this ping, which uses the pool.
      this.#controlReady = this.#openControl(this.#ssl);
    }
    const pool = this.#res.pool;
    if (!this.#res.control && pool && pool.idleCount === 0 && pool.totalCount >= 1) {
      return { latencyMs: 0, at: Date.now(), pool: this.poolUse, skipped: true };
    }
    const started = performance.now();
    // With a target to keep (read-write, primary, ...), the ping asks the server's role in the
    // same round trip: a primary that went into recovery makes the session lost.
    const kept = keptTarget(this.config.options.targetSessionAttrs);
    try {
      if (kept) await this.#checkTarget(kept, true);
      else await this.#controlQuery(PING_SQL, 'The keepalive ping');
    } catch (error) {
      // The machine hears of this failure from the ping itself and replaces the session, so
      // the lost alarm (which would race it as CONNECTION_LOST) is not raised here.
      const mapped = toTuskError(error, 'established', this.mapOptions());
      if (mapped.kind === 'ConnectionLost') throw mapped;
      throw new TuskError({ ...mapped.toJSON(), kind: 'ConnectionLost' }, { cause: error });
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { latencyMs, at: Date.now(), pool: this.poolUse };
  }

  /**
   * `disconnect`, `replace`: no new work, running queries cancelled, every client ended politely, resolved
   * when every socket has closed. `lost`/`failed`: every socket destroyed at once. Idempotent;
   * a later `lost`/`failed` escalates a polite close in progress. Never rejects.
   */
  close(reason: CloseReason): Promise<void> {
    const polite = reason === 'disconnect' || reason === 'replace';
    if (!polite) destroyAll(this.#res);
    if (this.#closing) return this.#closing;
    this.#state = 'closed';
    this.#alarm.silence();
    this.#password = undefined;
    this.#keyPassphrase = undefined;
    const target = { host: this.config.host, port: this.config.port, stream: this.stream };
    this.#closing = closeClients(this.#res, target, polite ? this.#timeoutMs : 0);
    return this.#closing;
  }
}
