import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ok, planOf, rows, runScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const script = `create temp table t (n int);
insert into t values (1), (2);
select n from t order by n;
begin`;

test('a script runs in one run_script on the session, and each statement shows its own result, in order', async () => {
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const plan = planOf(script);
  const [create, insert, select, begin] = plan.statements;
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's-1' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: [
          ok(create!, { rows: [], rowCount: null, fields: [] }),
          ok(insert!, { rows: [], rowCount: 2, fields: [] }),
          ok(select!, rows([{ n: 1 }, { n: 2 }])),
          ok(begin!, { rows: [], rowCount: null, fields: [] }),
        ],
      }));
    },
  });
  await runScript(script);

  const steps = await screen.findAllByTestId('step');
  expect(steps.map((s) => s.querySelector('.step-command')?.textContent)).toEqual([
    'CREATE',
    'INSERT',
    'SELECT',
    'BEGIN',
  ]);
  expect(steps.map((s) => within(s).getByTestId('result-summary').textContent)).toEqual([
    'done',
    '2 rows affected',
    '2 rows',
    'done',
  ]);
  expect(within(steps[2]!).getByRole('table').textContent).toBe('n12');
  expect(within(steps[1]!).getByText('line 2')).toBeTruthy();
  expect(screen.getByTestId('script-summary').textContent).toBe('4 of 4 statements ran');
  expect(transport.calls.filter((c) => c.command === 'run_script')).toEqual([
    {
      command: 'run_script',
      args: { connectionId: view.id, sql: script, sessionId: 's-1', onError: 'stop' },
    },
  ]);
});
