import pg from 'pg';
import type { TuskClient } from '../pg/client.ts';
import { WHERE_TO_CHANGE } from './refusals.ts';

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
 * - In a transaction (the user's, opened as above): `SET TRANSACTION READ ONLY` (always allowed)
 *   and a snapshot-taking `SELECT 1` before the statement, every time: whatever the previous
 *   statement did (a `BEGIN READ WRITE` that became a notice, `COMMIT AND CHAIN`), the statement
 *   then runs in a read-only transaction that has its snapshot. A savepoint cannot undo that: the
 *   transaction was read-only when any savepoint of it was taken.
 * - In a failed transaction: the statement alone (only ROLLBACK/COMMIT can run there).
 *
 * None of this depends on the parser being right about the statement: its command only decides
 * whether our COMMIT follows, and a transaction left open is made read-only before its next
 * statement. A failed statement in a transaction we opened is rolled back (the only extra round
 * trip, on the error path); one in the user's transaction leaves it failed, as psql does.
 */

export interface ReadOnlyOptions {
  /** SET LOCAL statement_timeout, behind a pooler that may switch backends between transactions. */
  statementTimeoutMs?: number;
}

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
};

/** The parts of pg's Query (lib/query.js) that @types/pg does not declare. */
interface PgQuery {
  portal: string;
  prepare(connection: Connection): void;
  handleDataRow(message: unknown): void;
  handleRowDescription(message: unknown): void;
  handleCommandComplete(message: unknown, connection: unknown): void;
  handleEmptyQuery(connection: unknown): void;
}
const PgQueryClass = pg.Query as unknown as new (
  config: pg.QueryConfig & { queryMode: 'extended' },
) => PgQuery;

/**
 * pg's own Query for the statement (its row parsing, types and errors), with our statements
 * written around it in the same cork and the one Sync. Their replies carry no RowDescription
 * (no Describe is sent for them); their rows and command completions are skipped.
 */
class WrappedQuery extends PgQueryClass {
  readonly #before: string[];
  readonly #after: string[];
  /** Completions seen: the statement's own is number `before.length`. */
  #completed = 0;

  constructor(text: string, values: unknown[] | undefined, before: string[], after: string[]) {
    super({ text, values, queryMode: 'extended' });
    this.#before = before;
    this.#after = after;
  }

  get #ours(): boolean {
    return this.#completed !== this.#before.length;
  }

  override prepare(connection: Connection): void {
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

/** Runs one statement (already split: one statement only) in a read-only transaction. */
export async function runReadOnly(
  client: TuskClient,
  sql: string,
  command: string,
  values: unknown[] | undefined,
  options: ReadOnlyOptions = {},
): Promise<pg.QueryResult> {
  const status = client.transactionStatus;
  const timeout =
    options.statementTimeoutMs === undefined
      ? []
      : [`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`];
  const opened = status !== 'T' && status !== 'E';
  const before =
    status === 'E'
      ? []
      : opened
        ? ['BEGIN READ ONLY', ...timeout]
        : ['SET TRANSACTION READ ONLY', ...timeout, 'SELECT 1'];
  const after = opened && !ownsTransaction.has(command) ? ['COMMIT'] : [];
  const query = new WrappedQuery(sql, values, before, after);
  try {
    return await new Promise<pg.QueryResult>((resolve, reject) => {
      client.query(
        query as unknown as pg.QueryConfig,
        (error: Error | undefined, result: pg.QueryResult) =>
          error ? reject(error) : resolve(result),
      );
    });
  } catch (error) {
    if (opened && client.usable && isStatementError(error)) {
      await client.settled();
      // Ours to end; a user's BEGIN that failed opened nothing of theirs either.
      if (client.transactionStatus !== 'I') await client.query('ROLLBACK').catch(() => undefined);
    }
    throw explainReadOnly(error);
  }
}

const isStatementError = (error: unknown): boolean =>
  typeof (error as { severity?: unknown } | null)?.severity === 'string';

/**
 * The server's answers, said for a read-only connection: a refused write (25006) says where to
 * change that; a switch to read-write after the snapshot (25001, "transaction read-write mode
 * must be set before any query") is the same refusal; a COMMIT inside a DO block or procedure
 * (2D000) is impossible in the transaction every statement runs in. The pg error is kept (its
 * class decides how the query path treats it), with code and message restated.
 */
function explainReadOnly(error: unknown): unknown {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown } | null;
  if (!e || typeof e.message !== 'string' || typeof e.severity !== 'string') return error;
  if (e.code === '25006') {
    e.message = `${e.message}: this connection is read-only. ${WHERE_TO_CHANGE}`;
  } else if (e.code === '25001' && /read-write mode must be set/.test(e.message)) {
    e.code = '25006';
    e.message =
      'This connection is read-only: every statement runs in a read-only transaction, which ' +
      `cannot be made read-write (${e.message}). ${WHERE_TO_CHANGE}`;
  } else if (e.code === '2D000') {
    e.code = '25006';
    e.message =
      'This connection is read-only: every statement runs in a read-only transaction, so a ' +
      `DO block or procedure cannot commit or roll back inside it (${e.message}). ${WHERE_TO_CHANGE}`;
  }
  return error;
}
