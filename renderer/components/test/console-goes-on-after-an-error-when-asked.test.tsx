import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { failed, ok, planOf, rows, typeScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const script = `select 1 as a;
select 1/0;
select 3 as c;
select 4 as d`;

test('after a stop, "Run the rest" runs the statements after the failed one, placed in the whole script', async () => {
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const plan = planOf(script);
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', ({ sql }) => {
        if (sql === script) {
          const [one, two] = plan.statements;
          return {
            steps: [
              ok(one!, rows([{ a: 1 }])),
              failed(two!, { message: 'division by zero', code: '22012' }),
            ],
            stoppedAt: 1,
          };
        }
        // The rest as a script of its own: the engine counts from its start.
        const rest = planOf(sql);
        const [three, four] = rest.statements;
        return {
          steps: [
            ok(three!, rows([{ c: 3 }])),
            failed(four!, {
              message: 'column "d" does not exist',
              code: '42703',
              position: sql.indexOf('as d') + 1,
            }),
          ],
          stoppedAt: 1,
        };
      });
    },
  });
  await typeScript(script);
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Run the rest (2 statements)' }));

  await waitFor(() => expect(screen.getAllByTestId('step')).toHaveLength(4));
  const runs = transport.calls.filter((c) => c.command === 'run_script');
  expect(runs.map((c) => (c.args as { sql: string }).sql)).toEqual([
    script,
    script.slice(script.indexOf('select 3')),
  ]);
  const steps = screen.getAllByTestId('step');
  expect(steps.map((s) => s.querySelector('.step-no')?.textContent)).toEqual(['1', '2', '3', '4']);
  expect(steps[3]!.textContent).toContain('line 4');
  expect(steps[3]!.querySelector('[data-testid="error-position"] button')?.textContent).toBe(
    'Line 4, column 10',
  );
  expect(screen.getByRole('status').textContent).toBe('Stopped at statement 4 of 4 (line 4).');
  expect(screen.queryByRole('button', { name: /Run the rest/ })).toBeNull();
});

test('with "Stop at the first error" off, the script is sent to go on after errors', async () => {
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const plan = planOf(script);
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => {
        const [one, two, three, four] = plan.statements;
        return {
          steps: [
            ok(one!, rows([{ a: 1 }])),
            failed(two!, { message: 'division by zero', code: '22012' }),
            ok(three!, rows([{ c: 3 }])),
            ok(four!, rows([{ d: 4 }])),
          ],
        };
      });
    },
  });
  await typeScript(script);
  const stop = screen.getByLabelText('Stop at the first error') as HTMLInputElement;
  expect(stop.checked).toBe(true);
  fireEvent.click(stop);
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  await waitFor(() => expect(screen.getAllByTestId('step')).toHaveLength(4));
  expect(transport.calls.find((c) => c.command === 'run_script')?.args).toMatchObject({
    onError: 'continue',
  });
  expect(screen.getByTestId('script-summary').textContent).toBe('4 of 4 statements ran · 1 failed');
  expect(screen.queryByRole('status')).toBeNull();
});
