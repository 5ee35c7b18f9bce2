import pg from 'pg';
import type { PlannedStatement } from '../../machines/sql-plan.ts';
import type { TuskClient } from '../pg/client.ts';
import { inScript } from './offsets.ts';
import { explainReadOnly } from './refusals.ts';
import { statementRun } from './wire.ts';

/**
 * One statement of a read-only connection, inside a read-only transaction that no statement can
 * make read-write. PostgreSQL lets a transaction switch to read-write only before its first
 * snapshot (check_transaction_read_only), and only statements that take no snapshot (transaction
 * control, SET, LOCK, SHOW; pquery.c PlannedStmtRequiresSnapshot) can ask for the switch; none
 * of them writes. Every other statement, DO and CALL included, takes its snapshot before it runs
 * anything, so a `SET TRANSACTION READ WRITE` or `set_config('transaction_read_only', ...)`
 * inside it is refused. The statement is one Parse of the extended protocol, which takes a single
 * statement, so `COMMIT; INSERT ...` cannot ride along; everything goes in one write with one
 * Sync: the one round trip of the read-write path's simple Query.
 *
 * - Idle: `BEGIN READ ONLY`, [SET LOCAL statement_timeout], the statement, `COMMIT`. Nothing else
 *   runs in that transaction, so a switch the statement itself made writes nothing; and inside an
 *   explicit transaction block a DO block or procedure cannot COMMIT to start a fresh one. The
 *   COMMIT is left out when the statement begins or ends the transaction itself (a user's `BEGIN`
 *   is then a notice, and their transaction stays open across calls).
 * - In a transaction (the user's, opened as above): `SET TRANSACTION READ ONLY` (always allowed,
 *   and taking no snapshot, so `BEGIN; SET TRANSACTION ISOLATION LEVEL ...` still works) before
 *   every statement, in the same write. Whatever the previous statement did (a `BEGIN READ WRITE`
 *   that became a notice, `SET TRANSACTION READ WRITE`, `COMMIT AND CHAIN`), the statement starts
 *   in a read-only transaction: if it takes a snapshot it can no longer switch, and if it takes
 *   none it writes nothing. A savepoint cannot undo it: the transaction was read-only when each
 *   savepoint was taken, since the SAVEPOINT statement had this in front of it too.
 * - In a failed transaction: the statement alone (only ROLLBACK/COMMIT can run there).
 *
 * None of this depends on the parser being right about the statement: its command only decides
 * whether our COMMIT follows (and, with the text itself, whether the fast lane below is taken),
 * and a transaction left open is made read-only before its next statement. A failed statement in
 * a transaction we opened is rolled back (the only extra round trip, on the error path); one in
 * the user's transaction leaves it failed, as psql does.
 *
 * Unwrapped, the fast lane: a lone plain SELECT goes as one Parse/Bind/Describe/Execute/Sync of
 * its own, without BEGIN READ ONLY and COMMIT, when all of this holds at the moment it is
 * written (checked again then, not only when it is queued):
 * - the backend is idle ('I' at the last ReadyForQuery), so the statement starts a transaction
 *   of its own, an implicit one that the Sync ends and in which nothing else runs;
 * - the connection is direct (or through an SSH tunnel: one backend per client, no pooler) and
 *   the server last reported this backend's `default_transaction_read_only` as `on`
 *   (ParameterStatus, PostgreSQL 14 and later; the client undoes a change of it before its
 *   next statement, main/pg/client.ts): a transaction starts with XactReadOnly set from that
 *   default, and nothing runs between the last report and this Parse;
 * - the parser says it is one statement, a SELECT that changes nothing (no SELECT INTO, no
 *   data-modifying WITH) and is not refused; and, whatever the parser says, the text itself
 *   begins with the keyword SELECT. That last check keeps the argument off the parser: a
 *   server lexing strings otherwise (`standard_conforming_strings = off`) may read a text
 *   differently, but still as a statement that begins with SELECT, or as several, which one
 *   Parse refuses. A statement beginning with SELECT is a query or SELECT INTO; either takes
 *   its snapshot at Parse (PostgreSQL's exec_parse_message, analyze_requires_snapshot)
 *   before any function of it runs, so a `set_config('transaction_read_only', 'off', ...)` in
 *   it is refused as in the wrapped form, and SELECT INTO is refused as a write. A function
 *   cannot COMMIT (only CALL and DO can), so the transaction it runs in stays the read-only
 *   one until the Sync. A `set_config('default_transaction_read_only', 'off', false)` in it
 *   changes only later transactions: the server reports it before this statement's
 *   ReadyForQuery, the client queues the restoring SET ahead of anything else, and the next
 *   statement finds the default reported `off` and is wrapped again.
 * Behind a pooler (either pooling mode) none of this is known, and every statement is wrapped.
 */

export interface ReadOnlyOptions {
  /** SET LOCAL statement_timeout, behind a pooler that may switch backends between transactions. */
  statementTimeoutMs?: number;
}

/** What runReadOnly needs of a planned statement. */
export type ReadOnlyStatement = Pick<PlannedStatement, 'sql' | 'command' | 'changes' | 'start'>;

/** The keyword SELECT as the text's first token, read without the parser (see above). */
const BEGINS_WITH_SELECT = /^select[\s(*]/i;

/** The parser's side of the fast lane; the connection's side is checked when it is written. */
const plainSelect = (s: ReadOnlyStatement): boolean =>
  s.command === 'SELECT' && !s.changes && BEGINS_WITH_SELECT.test(s.sql);

/** The connection's side of the fast lane, read from the last ReadyForQuery and reports. */
const unwrappable = (client: TuskClient): boolean =>
  client.transactionStatus === 'I' && client.readOnlyByDefault;

/** Commands after which our COMMIT must not follow: the statement opens or ends the transaction. */
const ownsTransaction = new Set([
  'BEGIN',
  'START TRANSACTION',
  'COMMIT',
  'ROLLBACK',
  'PREPARE TRANSACTION',
  'COMMIT PREPARED',
  'ROLLBACK PREPARED',
]);

type Connection = {
  parse(q: { text: string }): void;
  bind(c: object): void;
  execute(c: { portal?: string; rows?: number }): void;
  sync(): void;
  /** pg's one write of a message (lib/connection.js): dropped once the socket is not writable. */
  _send(buffer: Buffer): void;
};

/** The parts of pg's Query (lib/query.js) that @types/pg does not declare. */
interface PgQuery {
  portal: string;
  values: unknown[] | undefined;
  binary: boolean | undefined;
  queryMode: string | undefined;
  submit(connection: Connection): Error | null;
  prepare(connection: Connection): void;
  handleDataRow(message: unknown): void;
  handleRowDescription(message: unknown): void;
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleEmptyQuery(connection: unknown): void;
}
// Text and values, not a config object: pg copies a config's every property descriptor.
const PgQueryClass = pg.Query as unknown as new (text: string, values?: unknown[]) => PgQuery;

/** Our statements around the user's: constant arrays, so a run can be known by identity. */
const NONE: string[] = [];
const OPEN = ['BEGIN READ ONLY'];
const INSIDE = ['SET TRANSACTION READ ONLY'];
const CLOSE = ['COMMIT'];

/** A statement's two common runs as bytes (WrappedQuery.#runBytes), gone with the statement. */
const runs = new WeakMap<ReadOnlyStatement, [Buffer | undefined, Buffer | undefined]>();

/**
 * pg's own Query for the statement (its row parsing, types and errors), with our statements
 * written around it in the same write and the one Sync. Their replies carry no RowDescription
 * (no Describe is sent for them); their rows and command completions are skipped.
 */
class WrappedQuery extends PgQueryClass {
  readonly #statement: ReadOnlyStatement;
  #before: string[];
  #after: string[];
  /** Completions seen: the statement's own is number `before.length`. */
  #completed = 0;
  /** The client to ask, as the query is written, whether it may go unwrapped (the fast lane). */
  readonly #unwrapOn: TuskClient | null;

  constructor(
    statement: ReadOnlyStatement,
    values: unknown[] | undefined,
    before: string[],
    after: string[],
    unwrapOn: TuskClient | null,
  ) {
    super(statement.sql, values);
    this.queryMode = 'extended';
    this.#statement = statement;
    this.#before = before;
    this.#after = after;
    this.#unwrapOn = unwrapOn;
  }

  /** pg writes a query once the previous one's ReadyForQuery is in: the status is current. */
  #decide(): void {
    if (this.#unwrapOn && unwrappable(this.#unwrapOn)) {
      this.#before = NONE;
      this.#after = NONE;
    }
  }

  /** Without parameters, the whole run in one write (wire.ts); with them, pg's serializer. */
  override submit(connection: Connection): Error | null {
    if (this.values !== undefined || this.binary) return super.submit(connection);
    this.#decide();
    connection._send(this.#runBytes());
    return null;
  }

  /**
   * The messages as bytes. The two common runs, unwrapped and BEGIN READ ONLY ... COMMIT, are
   * kept with the statement: plan.ts hands out the same statement object for a repeated text,
   * so a dashboard's refresh writes bytes built once (a few per cent of a loopback `select 1`).
   */
  #runBytes(): Buffer {
    const before = this.#before;
    const after = this.#after;
    const key = before === NONE && after === NONE ? 0 : before === OPEN && after === CLOSE ? 1 : -1;
    if (key === -1) return statementRun(before, this.#statement.sql, after);
    let kept = runs.get(this.#statement);
    if (!kept) {
      kept = [undefined, undefined];
      runs.set(this.#statement, kept);
    }
    kept[key] ??= statementRun(before, this.#statement.sql, after);
    return kept[key];
  }

  get #ours(): boolean {
    return this.#completed !== this.#before.length;
  }

  override prepare(connection: Connection): void {
    this.#decide();
    for (const text of this.#before) simple(connection, text);
    super.prepare(connection);
  }

  /** pg's Query ends with Execute + Sync here; our trailing statements go between the two. */
  _getRows(connection: Connection): void {
    connection.execute({ portal: this.portal });
    for (const text of this.#after) simple(connection, text);
    connection.sync();
  }

  override handleDataRow(message: unknown): void {
    if (!this.#ours) super.handleDataRow(message);
  }

  override handleRowDescription(message: unknown): void {
    if (!this.#ours) super.handleRowDescription(message);
  }

  override handleCommandComplete(message: unknown, connection: unknown): void {
    if (!this.#ours) super.handleCommandComplete(message, connection);
    this.#completed++;
  }

  override handleEmptyQuery(connection: unknown): void {
    this.#completed++;
    super.handleEmptyQuery(connection);
  }
}

/** Parse/Bind/Execute of a fixed text of ours, unnamed, no parameters. */
function simple(connection: Connection, text: string): void {
  connection.parse({ text });
  connection.bind({});
  connection.execute({});
}

/**
 * Runs one statement (already split: one statement only) in a read-only transaction. No async
 * function and no await on the way: each would cost a loopback `select 1` a few microtask turns.
 */
export function runReadOnly(
  client: TuskClient,
  statement: ReadOnlyStatement,
  lone: boolean,
  values: unknown[] | undefined,
  options: ReadOnlyOptions = {},
): Promise<pg.QueryResult> {
  const status = client.transactionStatus;
  const opened = status !== 'T' && status !== 'E';
  const timeout = options.statementTimeoutMs;
  const first = opened ? OPEN : INSIDE;
  const before =
    status === 'E'
      ? NONE
      : timeout === undefined
        ? first
        : [first[0] as string, `SET LOCAL statement_timeout = ${Math.trunc(timeout)}`];
  const after = opened && !ownsTransaction.has(statement.command) ? CLOSE : NONE;
  const fast = opened && lone && plainSelect(statement) && unwrappable(client);
  const query = new WrappedQuery(statement, values, before, after, fast ? client : null);
  return new Promise<pg.QueryResult>((resolve, reject) => {
    client.query(
      query as unknown as pg.QueryConfig,
      (error: Error | undefined, result: pg.QueryResult) => {
        if (!error) resolve(result);
        else recover(client, opened, error, statement).then(reject, reject);
      },
    );
  });
}

/** After a failed statement: the error to throw, once a transaction we opened is rolled back. */
async function recover(
  client: TuskClient,
  opened: boolean,
  error: unknown,
  statement: ReadOnlyStatement,
): Promise<unknown> {
  if (opened && client.usable && isStatementError(error)) {
    await client.settled();
    // Ours to end; a user's BEGIN that failed opened nothing of theirs either.
    if (client.transactionStatus !== 'I') await client.query('ROLLBACK').catch(() => undefined);
  }
  return inScript(explainReadOnly(error), statement);
}

const isStatementError = (error: unknown): boolean =>
  typeof (error as { severity?: unknown } | null)?.severity === 'string';
