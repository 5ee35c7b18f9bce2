import type { Environment } from '../../machines/config.ts';
import type { TuskErrorData } from '../../machines/errors.ts';
import type {
  PlannedStatement,
  ScriptPlan,
  ScriptResult,
  ScriptStep,
} from '../../machines/sql-plan.ts';
import { READ_ONLY_WORDS } from '../../machines/sql-plan.ts';

/*
 * What the console decides from a script's plan (`plan_sql`, classified once by the real
 * PostgreSQL parser in main/): which statements ask before they run, and where an error sits in
 * the script. Pure, so the components hold no SQL knowledge of their own.
 */

/** The statements a script must be confirmed for before anything of it runs. */
export interface ScriptConfirmation {
  /** Statements that change data or schema, on a production connection that can write. */
  production: PlannedStatement[];
  /** UPDATE or DELETE without WHERE, on any connection. */
  unfiltered: PlannedStatement[];
}

export function confirmationFor(
  plan: ScriptPlan,
  connection: { environment?: Environment; readonly: boolean },
): ScriptConfirmation | null {
  // A read-only connection's server refuses every write itself; asking first would only add a
  // click before the refusal. An unfiltered UPDATE/DELETE is flagged there all the same.
  const production =
    connection.environment === 'production' && !connection.readonly
      ? plan.statements.filter((s) => s.changes)
      : [];
  const unfiltered = plan.statements.filter((s) => s.unfiltered);
  return production.length > 0 || unfiltered.length > 0 ? { production, unfiltered } : null;
}

const FIRST_LINE_MAX = 80;

/** A statement as a dialog names it: its first non-empty line, shortened. */
export function firstLine(statement: PlannedStatement): string {
  const line =
    statement.sql
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('--')) ?? statement.command;
  return line.length > FIRST_LINE_MAX ? `${line.slice(0, FIRST_LINE_MAX - 1)}…` : line;
}

/** 1-based line and column of a 1-based character position in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** The whole line of `text` that holds a 1-based character position, and the column in it. */
export function lineAt(text: string, position: number): { text: string; column: number } {
  const at = Math.min(Math.max(0, position - 1), text.length);
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  return { text: text.slice(start, end === -1 ? text.length : end), column: at - start + 1 };
}

/** The server refused a write because the transaction (the connection) is read-only. */
export const isReadOnlyRefusal = (error: TuskErrorData): boolean => error.code === '25006';

/**
 * A refusal's reason alone: main/ says around it that the connection is read-only and where to
 * change that, which the console says once in its own words.
 */
export function refusalReason(message: string): string {
  const { prefix, suffix, notRun, whereToChange } = READ_ONLY_WORDS;
  let reason = message.replace(whereToChange, '').trim();
  if (reason.endsWith(notRun)) reason = reason.slice(0, -notRun.length).trim();
  if (reason.startsWith(prefix)) reason = reason.slice(prefix.length);
  if (reason.endsWith(suffix)) reason = reason.slice(0, -suffix.length);
  return reason.replace(/\.$/, '');
}

/** A script's run as the console shows it: steps mapped into the whole script as it was run. */
export interface ScriptRun {
  script: string;
  plan: ScriptPlan;
  steps: ScriptStep[];
  stoppedAt?: number;
}

/** Where a part of a script sits in the whole: the first statement's index, its offset and line. */
export interface ScriptOffset {
  index: number;
  chars: number;
  lines: number;
}

/** The statements after the one that stopped a run, as a script of their own, or null. */
export function restOf(run: ScriptRun): { sql: string; offset: ScriptOffset } | null {
  if (run.stoppedAt === undefined) return null;
  const next = run.plan.statements.find((s) => s.index === run.stoppedAt! + 1);
  if (!next) return null;
  return {
    sql: run.script.slice(next.start),
    offset: {
      index: next.index,
      chars: next.start,
      lines: run.script.slice(0, next.start).split('\n').length - 1,
    },
  };
}

/** A part's result with indexes, lines and error positions mapped back into the whole script. */
export function shiftResult(result: ScriptResult, offset: ScriptOffset): ScriptResult {
  const steps = result.steps.map((step): ScriptStep => {
    const moved = { ...step, index: step.index + offset.index, line: step.line + offset.lines };
    if (moved.ok || moved.error.position === undefined) return moved;
    return { ...moved, error: { ...moved.error, position: moved.error.position + offset.chars } };
  });
  return {
    steps,
    ...(result.stoppedAt === undefined ? {} : { stoppedAt: result.stoppedAt + offset.index }),
  };
}
