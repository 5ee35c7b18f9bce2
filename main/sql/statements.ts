import type pg from 'pg';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { PlannedStatement, ScriptPlan } from '../../machines/sql-plan.ts';
import type { TuskClient } from '../pg/client.ts';
import { planScript, planScriptSync } from './plan.ts';
import { type ReadOnlyOptions, runReadOnly } from './read-only.ts';
import { refusalMessage } from './refusals.ts';

/**
 * A text sent to a read-only connection (`query`, a session's statement), split by the parser and
 * run statement by statement, each in its own read-only transaction (read-only.ts), all on the
 * one backend the caller holds. Anything refused is refused before the first statement runs. The
 * answer is pg's, one result per statement, as the simple protocol gives for several. A lone
 * statement with its plan cached (the common case) takes no async step of its own.
 */
export function executeReadOnly(
  client: TuskClient,
  sql: string,
  values: unknown[] | undefined,
  options: ReadOnlyOptions = {},
): Promise<pg.QueryResult | pg.QueryResult[]> {
  const plan = planScriptSync(sql, true);
  if (plan) return runPlan(client, plan, values, options);
  return planScript(sql, true).then((p) => runPlan(client, p, values, options));
}

function runPlan(
  client: TuskClient,
  plan: ScriptPlan,
  values: unknown[] | undefined,
  options: ReadOnlyOptions,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  const { statements } = plan;
  if (plan.error) return Promise.reject(statementError(plan.error));
  for (const s of statements) if (s.refusal !== undefined) return Promise.reject(refusedError(s));
  if (statements.length === 0) return Promise.resolve(emptyResult());
  if (statements.length === 1) return runReadOnly(client, statements[0]!, true, values, options);
  if (values) {
    return Promise.reject(
      statementError({
        kind: 'QueryFailed',
        code: '42601',
        message:
          'A text with parameters ($1, ...) must be one statement: send the statements one by one',
      }),
    );
  }
  return runEach(client, statements, options);
}

async function runEach(
  client: TuskClient,
  statements: PlannedStatement[],
  options: ReadOnlyOptions,
): Promise<pg.QueryResult[]> {
  const results: pg.QueryResult[] = [];
  for (const s of statements) results.push(await runReadOnly(client, s, false, undefined, options));
  return results;
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
