import type pg from 'pg';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { PlannedStatement } from '../../machines/sql-plan.ts';
import type { TuskClient } from '../pg/client.ts';
import { codePointToIndex } from './offsets.ts';
import { planScript, planScriptSync } from './plan.ts';
import { type ReadOnlyOptions, runReadOnly } from './read-only.ts';
import { refusalMessage } from './refusals.ts';

/**
 * A text sent to a read-only connection (`query`, a session's statement), split by the parser and
 * run statement by statement, each in its own read-only transaction (read-only.ts), all on the
 * one backend the caller holds. Anything refused is refused before the first statement runs. The
 * answer is pg's, one result per statement, as the simple protocol gives for several.
 */
export async function executeReadOnly(
  client: TuskClient,
  sql: string,
  values: unknown[] | undefined,
  options: ReadOnlyOptions = {},
): Promise<pg.QueryResult | pg.QueryResult[]> {
  const plan = planScriptSync(sql, true) ?? (await planScript(sql, true));
  if (plan.error) throw statementError(plan.error);
  const refused = plan.statements.find((s) => s.refusal !== undefined);
  if (refused) throw refusedError(refused);
  if (plan.statements.length === 0) return emptyResult();
  if (values && plan.statements.length > 1) {
    throw statementError({
      kind: 'QueryFailed',
      code: '42601',
      message:
        'A text with parameters ($1, ...) must be one statement: send the statements one by one',
    });
  }
  const results: pg.QueryResult[] = [];
  for (const statement of plan.statements) {
    try {
      results.push(await runReadOnly(client, statement.sql, statement.command, values, options));
    } catch (error) {
      throw inScript(error, statement);
    }
  }
  return results.length === 1 ? (results[0] as pg.QueryResult) : results;
}

/**
 * An error PostgreSQL reported for one statement, with its `position` (1-based, in characters
 * of that statement) moved into the whole text (1-based, in JavaScript characters).
 */
export function inScript<E>(error: E, statement: Pick<PlannedStatement, 'sql' | 'start'>): E {
  const e = error as { position?: unknown } | null;
  const position = Number(e?.position);
  if (e && Number.isInteger(position) && position > 0) {
    e.position = String(statement.start + codePointToIndex(statement.sql, position - 1) + 1);
  }
  return error;
}

/**
 * A refusal shaped like the server's errors (an SQLSTATE and a severity), so that the query
 * paths treat it as a statement error: the backend is fine and goes back to the pool.
 */
export function statementError(data: TuskErrorData): Error {
  return Object.assign(new Error(data.message), {
    code: data.code,
    severity: 'ERROR',
    ...(data.position !== undefined && { position: String(data.position) }),
  });
}

/** A statement refused before it runs: a meta-command (42601), else read-only (25006). */
export function refusalData(statement: PlannedStatement): TuskErrorData {
  const meta = statement.command.startsWith('\\');
  return {
    kind: 'QueryFailed',
    code: meta ? '42601' : '25006',
    message: meta ? (statement.refusal ?? '') : refusalMessage(statement.refusal ?? ''),
    position: statement.start + 1,
  };
}

export const refusedError = (statement: PlannedStatement): Error =>
  statementError(refusalData(statement));

/** What the server answers to a text of comments only. */
const emptyResult = (): pg.QueryResult =>
  ({ command: '', rowCount: null, oid: 0, rows: [], fields: [] }) as unknown as pg.QueryResult;
