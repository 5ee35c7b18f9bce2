import { type TuskErrorData, toErrorData } from '../../machines/errors.ts';
import type {
  PlannedStatement,
  ScriptOnError,
  ScriptPlan,
  ScriptResult,
  ScriptStep,
} from '../../machines/sql-plan.ts';
import type { PinnedSession } from '../pg/index.ts';
import { codePointToIndex } from './offsets.ts';
import { refusalData } from './statements.ts';

/** A cancelled statement (CancelRequest): the script stops there, whatever `onError` says. */
const QUERY_CANCELED = '57014';

/**
 * Runs a planned script on one session, statement by statement, in order, each with its result
 * or error, as psql does: it stops at the first error (ON_ERROR_STOP) unless asked to go on. A
 * statement refused by the plan (a meta-command, or a write on a read-only connection) is a
 * failed step without reaching the server. Error positions are moved into the whole script.
 */
export async function runScriptOn(
  session: PinnedSession,
  plan: ScriptPlan,
  options: { onError: ScriptOnError; readonly: boolean },
): Promise<ScriptResult> {
  const steps: ScriptStep[] = [];
  const cancels = session.cancels;
  for (const statement of plan.statements) {
    const { index, line, command } = statement;
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 10) / 10;
    let error: TuskErrorData;
    if (session.cancels !== cancels) {
      // Cancelled between two statements: this one never starts.
      error = {
        kind: 'QueryFailed',
        code: QUERY_CANCELED,
        message: 'The script was cancelled before this statement started',
      };
    } else if (statement.refusal !== undefined) {
      error = refusalData(statement);
    } else {
      try {
        const result = await session.query(statement.sql);
        steps.push({ index, line, command, ok: true, result, ms: ms() });
        continue;
      } catch (caught) {
        error = positioned(toErrorData(caught), statement, options.readonly);
      }
    }
    steps.push({ index, line, command, ok: false, error, ms: ms() });
    if (options.onError === 'stop' || error.code === QUERY_CANCELED) {
      return { steps, stoppedAt: index };
    }
  }
  return { steps };
}

/**
 * The server's position counts characters (code points) of the statement; a read-only
 * connection's path has already turned it into JavaScript units of the statement (it splits
 * texts itself). Either way it ends up 1-based in JavaScript units of the whole script.
 */
function positioned(
  error: TuskErrorData,
  statement: PlannedStatement,
  readonly: boolean,
): TuskErrorData {
  const position = error.position;
  if (position === undefined || position < 1) return error;
  const inStatement = readonly ? position - 1 : codePointToIndex(statement.sql, position - 1);
  return { ...error, position: statement.start + inStatement + 1 };
}
