import { expect, test } from 'vitest';
import { lineAndColumn, lineAt, restOf, shiftResult } from '../script.ts';

const script = "select 1;\n-- a note\nselect 1/0;\n\n  select 'é' as x;\nselect 4";
const statement = (index: number, text: string) => {
  const start = script.indexOf(text);
  return {
    index,
    sql: text,
    start,
    end: start + text.length,
    line: script.slice(0, start).split('\n').length,
    command: 'SELECT',
    changes: false,
    unfiltered: false,
  };
};
const plan = {
  statements: [
    statement(0, 'select 1;'),
    statement(1, 'select 1/0'),
    statement(2, "select 'é' as x"),
    statement(3, 'select 4'),
  ],
};

test('line and column of a 1-based position, and the line it is on', () => {
  const at = script.indexOf('as x') + 1;
  expect(lineAndColumn(script, at)).toEqual({ line: 5, column: 14 });
  expect(lineAt(script, at)).toEqual({ text: "  select 'é' as x;", column: 14 });
  expect(lineAndColumn(script, 1)).toEqual({ line: 1, column: 1 });
  expect(lineAt(script, script.length)).toEqual({ text: 'select 4', column: 8 });
});

test('the rest after a stop starts at the next statement, and its steps map back into the script', () => {
  const rest = restOf({ script, plan, steps: [], stoppedAt: 1 });
  expect(rest).toEqual({
    sql: "select 'é' as x;\nselect 4",
    offset: { index: 2, chars: script.indexOf("select 'é'"), lines: 4 },
  });
  const shifted = shiftResult(
    {
      steps: [
        {
          index: 0,
          line: 1,
          command: 'SELECT',
          ok: false,
          error: { kind: 'QueryFailed', message: 'no', code: '42703', position: 15 },
          ms: 1,
        },
      ],
      stoppedAt: 0,
    },
    rest!.offset,
  );
  const step = shifted.steps[0]!;
  expect(step).toMatchObject({ index: 2, line: 5 });
  expect(!step.ok && script.slice(step.error.position! - 1)).toBe('x;\nselect 4');
  expect(shifted.stoppedAt).toBe(2);
  expect(restOf({ script, plan, steps: [], stoppedAt: 3 })).toBeNull();
  expect(restOf({ script, plan, steps: [] })).toBeNull();
});
