import type pg from 'pg';
import { backoff } from '../../machines/backoff.ts';
import { DEFAULTS } from '../../machines/config.ts';
import { isRetryable, TuskError } from '../../machines/errors.ts';
import type { QueryField, QueryResultView } from '../../machines/ipc.ts';
import { executeReadOnly } from '../sql/statements.ts';
import type { TuskClient } from './client.ts';
import {
  hasSqlstate,
  isConnectionSqlstate,
  lostDuringQuery,
  notConnected,
  toTuskError,
} from './errors.ts';
import { explainMultiStatement, runGuarded } from './guard.ts';
import type { PgSession } from './session.ts';
import { expectedSettings } from './settings.ts';
import { sleep } from './timing.ts';

export type { QueryField, QueryResultView };

export interface RunQueryOptions {
  /** Gives up waiting for a client (NotConnected); a query already sent is not interrupted. */
  signal?: AbortSignal;
  /** Total time for getting a client, retries included. Default: connectTimeoutSec. */
  acquireTimeoutMs?: number;
  /** Told when this query found the connection broken; the session is marked lost as well. */
  onLost?: (error: TuskError) => void;
  /** For tests: the backoff's random draw. */
  random?: () => number;
}

/**
 * Runs one statement on a pooled client (never through the connection actor's mailbox).
 *
 * - A client that cannot be had (connect refused, reset, timed out) is asked for again with
 *   backoff within `acquireTimeoutMs`: nothing was sent, so retrying is safe.
 * - The session lost or closed before the query was sent: NotConnected at once; the caller may
 *   wait for the actor to be connected again and retry, the query never ran.
 * - The connection broke after the query was sent: ConnectionLost, never retried (it may have
 *   run), and the loss is reported so the actor reconnects.
 * - A SQL error: QueryFailed at once, with code, detail, hint and position.
 */
export async function runQuery(
  session: PgSession,
  sql: string,
  params: readonly unknown[] = [],
  options: RunQueryOptions = {},
): Promise<QueryResultView> {
  const started = Date.now();
  let client: pg.PoolClient;
  try {
    client = await acquire(session, options.signal);
  } catch (error) {
    // Almost every query gets a client at once; only a failure pays for the retry loop.
    client = await retryAcquire(session, options, started, error);
  }
  let result: pg.QueryResult | pg.QueryResult[];
  try {
    result = await execute(session, client, sql, params.length > 0 ? [...params] : undefined);
  } catch (error) {
    throw await failed(session, client, error, options);
  }
  // No backend goes back to the pool inside a transaction: the next query would run in it.
  if (client.getTransactionStatus() !== 'I') throw await leftOpen(client);
  if (setsSessionState(result) && !session.perTransaction) {
    // On any backend, a SET would hold for whichever later queries land there (1 in poolMax-1):
    // outside a session it holds for none. DISCARD ALL goes back to the startup settings.
    client.release((await resetBackend(client, 'DISCARD ALL')) ? undefined : true);
    return toView(result);
  }
  client.release();
  return toView(result);
}

/** Commands whose effect outlives the statement on its backend. */
const sessionState = new Set(['SET', 'RESET', 'PREPARE']);

function setsSessionState(result: pg.QueryResult | pg.QueryResult[]): boolean {
  if (!Array.isArray(result)) return sessionState.has(result.command);
  return result.some((r) => sessionState.has(r.command));
}

/** A console shows the last result of a multi-statement text (one result per statement). */
export function toView(result: pg.QueryResult | pg.QueryResult[]): QueryResultView {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return {
    rows: last?.rows ?? [],
    rowCount: last?.rowCount ?? null,
    fields: (last?.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
  };
}

/**
 * One text on `client`: on a read-only connection statement by statement, each in a read-only
 * transaction no statement can lift (main/sql/read-only.ts), on every path; otherwise as sent,
 * enforced per transaction where the session needs it (guard.ts).
 */
export function execute(
  session: PgSession,
  client: pg.ClientBase,
  sql: string,
  values: unknown[] | undefined,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  const options = session.config.options;
  if (options.readonly) {
    const timeout = session.perTransaction ? options.statementTimeoutMs : undefined;
    return executeReadOnly(client as TuskClient, sql, values, {
      ...(timeout !== undefined && { statementTimeoutMs: timeout }),
    });
  }
  if (!session.perTransaction) return send(client, sql, values);
  return runGuarded(client as TuskClient, expectedSettings(session.config.options), sql, values);
}

/**
 * An unpinned statement that left its backend in a transaction (`BEGIN`, or `BEGIN; INSERT ...`):
 * it is rolled back before the backend is reused, and the caller is told, since what ran inside
 * it is gone. A transaction across statements needs a session (openSession).
 */
async function leftOpen(client: pg.PoolClient): Promise<TuskError> {
  const rolledBack = await resetBackend(client);
  client.release(rolledBack ? undefined : true);
  return new TuskError({
    kind: 'QueryFailed',
    code: 'TRANSACTION_NOT_KEPT',
    message:
      'The statement opened a transaction outside a session; it was rolled back at once and ' +
      'nothing done inside it was kept. Open a session to run a transaction across statements.',
  });
}

/** ROLLBACK (or `sql`) on a backend still usable, back to idle; false if not (then it is dropped). */
async function resetBackend(client: pg.ClientBase, sql = 'ROLLBACK'): Promise<boolean> {
  try {
    await client.query(sql);
    return client.getTransactionStatus() === 'I';
  } catch {
    return false;
  }
}

/**
 * The text and values, not a config object (pg clones that property by property on every call);
 * no values at all keeps the simple protocol, as an empty array does. pg's callback form in one
 * promise: its promise form chains a second one per query, only to rewrite a failure's stack
 * trace, and failed() turns every failure into a TuskError anyway (the original is its cause).
 */
function send(
  client: pg.ClientBase,
  sql: string,
  values: unknown[] | undefined,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  return new Promise((resolve, reject) => {
    // pg takes undefined values; its types want an array whenever a callback follows.
    client.query(sql, values as unknown[], (error: Error | undefined, result: pg.QueryResult) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

/** After a first failed acquire: again with backoff while the failure is retryable and time is left. */
async function retryAcquire(
  session: PgSession,
  options: RunQueryOptions,
  started: number,
  firstError: unknown,
): Promise<pg.PoolClient> {
  const budgetMs = options.acquireTimeoutMs ?? session.config.options.connectTimeoutSec * 1000;
  const deadline = started + budgetMs;
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    const mapped = toTuskError(error, 'connect', session.mapOptions());
    if (mapped.kind === 'NotConnected' || !isRetryable(mapped)) throw mapped;
    const waitMs = backoff(attempt, {
      ...DEFAULTS.backoff,
      jitter: 'full',
      random: options.random,
    });
    if (Date.now() + waitMs >= deadline) throw mapped;
    await sleep(waitMs, options.signal);
    try {
      return await acquire(session, options.signal);
    } catch (next) {
      error = next;
    }
  }
}

async function failed(
  session: PgSession,
  client: pg.PoolClient,
  error: unknown,
  options: RunQueryOptions,
): Promise<TuskError> {
  const severity = (error as { severity?: unknown }).severity;
  const statementError =
    hasSqlstate(error) &&
    !isConnectionSqlstate(error.code) &&
    severity !== 'FATAL' &&
    severity !== 'PANIC';
  // A statement error after our own disconnect is our cancel landing: report the close.
  if (statementError && !session.closed) {
    // `BEGIN; SELECT 1/0` leaves a failed transaction: gone, but not for the next query.
    await (client as unknown as TuskClient).settled();
    const clean = client.getTransactionStatus() === 'I' || (await resetBackend(client));
    client.release(clean ? undefined : true);
    return explainMultiStatement(error) ?? toTuskError(error, 'established', session.mapOptions());
  }
  try {
    // With an error, pg-pool drops the client instead of reusing it.
    client.release(error instanceof Error ? error : true);
  } catch {
    // Already released by a close racing us; nothing left to give back.
  }
  const lost = lostDuringQuery(error, session.mapOptions());
  if (!session.closed) {
    session.reportLost(lost);
    options.onLost?.(lost);
  }
  return lost;
}

/**
 * Checks out a pooled client; gives up with NotConnected the moment the session is lost or
 * closed (pg-pool never answers waiters once it is ending) or `signal` aborts. A client that
 * arrives after giving up goes straight back. It runs once per query, so it uses pg-pool's
 * callback form and the session's onStop rather than a listener on its AbortSignal.
 */
export function acquire(session: PgSession, signal?: AbortSignal): Promise<pg.PoolClient> {
  const pool = session.pool;
  if (!session.usable || !pool) return Promise.reject(notConnected(session.lostError));
  return new Promise((resolve, reject) => {
    const wait = new ClientWait(session, signal, resolve, reject);
    pool.connect((error, client) => wait.arrived(error, client));
    if (signal?.aborted) wait.stop();
  });
}

/**
 * One query's wait for a pooled client. An object rather than a handful of closures per query:
 * where TypeScript is compiled with keepNames (tsx, the tests), every named closure also costs
 * a defineProperty.
 */
class ClientWait {
  #settled = false;
  readonly #session: PgSession;
  readonly #signal: AbortSignal | undefined;
  readonly #resolve: (client: pg.PoolClient) => void;
  readonly #reject: (error: unknown) => void;
  readonly #unwatch: () => void;
  readonly #onAbort: (() => void) | undefined;

  constructor(
    session: PgSession,
    signal: AbortSignal | undefined,
    resolve: (client: pg.PoolClient) => void,
    reject: (error: unknown) => void,
  ) {
    this.#session = session;
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#unwatch = session.onStop(() => this.stop());
    if (signal) {
      this.#onAbort = () => this.stop();
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Gives up: the session stopped taking work, or the caller's signal aborted. */
  stop(): void {
    if (this.#settled) return;
    this.#settle();
    this.#reject(
      this.#signal?.aborted
        ? new TuskError({
            kind: 'NotConnected',
            message: 'The query was cancelled before it was sent',
          })
        : notConnected(this.#session.lostError),
    );
  }

  arrived(error: Error | undefined, client: pg.PoolClient | undefined): void {
    if (this.#settled) {
      client?.release();
      return;
    }
    this.#settle();
    if (error || !client) {
      this.#reject(this.#session.usable ? error : notConnected(this.#session.lostError));
    } else {
      this.#resolve(client);
    }
  }

  #settle(): void {
    this.#settled = true;
    this.#unwatch();
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
