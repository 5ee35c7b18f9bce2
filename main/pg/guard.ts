import type pg from 'pg';
import { TuskError } from '../../machines/errors.ts';
import type { TuskClient } from './client.ts';
import { type ExpectedSettings, transactionSql } from './settings.ts';

/** PostgreSQL's notice for a BEGIN inside a transaction: "there is already a transaction in progress". */
const ALREADY_IN_TRANSACTION = '25001';

/**
 * One statement with read-only and the statement timeout enforced on its own transaction, for a
 * connection behind a pooler (see PgSession.perTransaction). A pooler in transaction mode may
 * hand every transaction to another server backend, so nothing set on one connection holds for
 * the next statement; what holds is the transaction the statement runs in:
 *
 * - Outside a transaction: `BEGIN READ ONLY; SET LOCAL statement_timeout = N` first, then the
 *   statement, then COMMIT (ROLLBACK if it failed). A user's own `BEGIN` there only raises a
 *   notice (25001): the transaction is then left open for them, and it is read-only.
 * - Inside a transaction (every way into one goes through the BEGIN above): the timeout is set
 *   again (`COMMIT AND CHAIN` would have dropped it) and `transaction_read_only` is checked, so
 *   a `BEGIN READ WRITE` or `SET TRANSACTION READ WRITE` can open no writable transaction.
 * - The statement goes with the extended protocol, which the server refuses for more than one
 *   statement: a text such as `COMMIT; INSERT ...` cannot step outside the transaction. So behind
 *   a pooler such a connection runs one statement per call, and statements that cannot run in a
 *   transaction block (VACUUM, CREATE DATABASE, ... CONCURRENTLY) are refused by the server.
 *
 * pg queues the pieces and sends each when the previous one is answered: a round trip each,
 * paid only behind a pooler.
 */
export async function runGuarded(
  client: TuskClient,
  expected: ExpectedSettings,
  sql: string,
  values: unknown[] | undefined,
): Promise<pg.QueryResult> {
  const { begin, inside } = transactionSql(expected);
  const status = client.transactionStatus;
  if (status === 'T') {
    await assertInside(client, expected, inside);
    return await single(client, sql, values);
  }
  if (status === 'E') return await single(client, sql, values);
  await client.query(begin);
  let keepOpen = false;
  const notice = (message: { code?: string }) => {
    if (message.code === ALREADY_IN_TRANSACTION) keepOpen = true;
  };
  client.on('notice', notice);
  let result: pg.QueryResult;
  try {
    result = await single(client, sql, values);
  } catch (error) {
    client.off('notice', notice);
    // Ours to end, whatever the status says (it is read at the next ReadyForQuery).
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  client.off('notice', notice);
  if (!keepOpen && client.transactionStatus === 'T') await client.query('COMMIT');
  return result;
}

async function assertInside(client: TuskClient, expected: ExpectedSettings, inside: string) {
  if (inside === '') return;
  const answer = (await client.query(inside)) as pg.QueryResult | pg.QueryResult[];
  if (!expected.readonly) return;
  const last = Array.isArray(answer) ? answer[answer.length - 1] : answer;
  if (last?.rows[0]?.transaction_read_only === 'on') return;
  await client.query('ROLLBACK').catch(() => undefined);
  throw new TuskError({
    kind: 'QueryFailed',
    code: '25006',
    message:
      'The open transaction is read-write, but this connection is read-only: it was rolled ' +
      'back and the statement was not run',
  });
}

/** The extended protocol even without parameters: one statement, never several. */
function single(
  client: TuskClient,
  text: string,
  values: unknown[] | undefined,
): Promise<pg.QueryResult> {
  return client.query({ text, values, queryMode: 'extended' } as pg.QueryConfig);
}

/** The server's answer to several statements in one extended-protocol text. */
export function explainMultiStatement(error: unknown): TuskError | null {
  const e = error as { code?: unknown; message?: unknown };
  if (e?.code !== '42601' || typeof e.message !== 'string') return null;
  if (!e.message.includes('cannot insert multiple commands')) return null;
  return new TuskError(
    {
      kind: 'QueryFailed',
      code: '42601',
      message:
        'Behind a connection pooler, a read-only connection (or one with a statement timeout) ' +
        "enforces them on each statement's own transaction, so it runs one statement at a " +
        'time: send the statements one by one',
    },
    { cause: error },
  );
}
