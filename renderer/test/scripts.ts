import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect } from 'vitest';
import type { QueryResultView } from '../../machines/ipc.ts';
import type { PlannedStatement, ScriptPlan, ScriptStep } from '../../machines/sql-plan.ts';

/*
 * Plans and steps for component tests, shaped as the engine (main/) sends them. The tests say
 * each statement's classification themselves; splitting at `;` is enough for the scripts they
 * use (no semicolon inside a literal), and keeps the offsets and lines the engine would give.
 */

type Classified = Partial<Pick<PlannedStatement, 'command' | 'changes' | 'unfiltered' | 'refusal'>>;

export function planOf(
  script: string,
  classify: (sql: string) => Classified = () => ({}),
): ScriptPlan {
  const statements: PlannedStatement[] = [];
  let from = 0;
  for (const part of script.split(';')) {
    const lead = part.length - part.trimStart().length;
    const start = from + lead;
    const sql = part.trim();
    from += part.length + 1;
    if (!sql) continue;
    statements.push({
      index: statements.length,
      sql,
      start,
      end: start + sql.length,
      line: script.slice(0, start).split('\n').length,
      command: sql.split(/\s+/)[0]!.toUpperCase(),
      changes: false,
      unfiltered: false,
      ...classify(sql),
    });
  }
  return { statements };
}

export const rows = (values: Record<string, unknown>[]): QueryResultView => ({
  rows: values,
  rowCount: values.length,
  fields: Object.keys(values[0] ?? {}).map((name) => ({ name, dataTypeID: 25 })),
});

export const ok = (s: PlannedStatement, result: QueryResultView, ms = 1): ScriptStep => ({
  index: s.index,
  line: s.line,
  command: s.command,
  ok: true,
  result,
  ms,
});

export const failed = (
  s: PlannedStatement,
  error: { message: string; code: string; position?: number },
  ms = 1,
): ScriptStep => ({
  index: s.index,
  line: s.line,
  command: s.command,
  ok: false,
  error: { kind: 'QueryFailed', ...error },
  ms,
});

/** Types `script` into the console once its session is open (Run enabled). */
export async function typeScript(script: string): Promise<void> {
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  fireEvent.change(screen.getByLabelText('SQL'), { target: { value: script } });
}

/** Types `script` into the console and clicks Run. */
export async function runScript(script: string): Promise<void> {
  await typeScript(script);
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
}
