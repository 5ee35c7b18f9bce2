import { fireEvent, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { failed, ok, planOf, runScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

// pg_dumpall's preamble, then the data.
const script = `SET default_transaction_read_only = off;
SET client_encoding = 'UTF8';
COMMIT;
INSERT INTO orders VALUES (1);`;

test("a read-only connection's refusal (25006) says the connection is read-only and where to change it", async () => {
  const plan = planOf(script, (sql) => ({ changes: sql.startsWith('INSERT') }));
  const [set1, set2, commit, insert] = plan.statements;
  const view = makeView({
    config: makeConfig({ environment: 'production', options: { readonly: true } }),
    status: 'connected',
    state: { connected: 'idle' },
  });
  const edits: string[] = [];
  renderWithServices(<QueryConsole view={view} onEdit={() => edits.push(view.id)} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: [
          ok(set1!, { rows: [], rowCount: null, fields: [] }),
          ok(set2!, { rows: [], rowCount: null, fields: [] }),
          ok(commit!, { rows: [], rowCount: null, fields: [] }),
          failed(insert!, {
            message: 'cannot execute INSERT in a read-only transaction',
            code: '25006',
          }),
        ],
        stoppedAt: 3,
      }));
    },
  });
  await runScript(script);

  // Production but read-only: the server refuses, so nothing asks first.
  const refusal = await screen.findByTestId('read-only-refusal');
  expect(screen.queryByRole('dialog')).toBeNull();
  expect([...refusal.querySelectorAll('p')].map((p) => p.textContent)).toEqual([
    'This connection is read-only, so this statement was refused and changed nothing.',
    'cannot execute INSERT in a read-only transactionSQLSTATE 25006',
    'To allow writes, edit the connection and turn off Read-only under Safety.',
  ]);
  // Where to change it is one click away: the connection's form.
  fireEvent.click(within(refusal).getByRole('button', { name: 'Edit connection' }));
  expect(edits).toEqual([view.id]);
  const step = screen.getAllByTestId('step')[3]!;
  expect(step.contains(refusal)).toBe(true);
  // Said once: the refusal is the step's one alert, with no error box repeating it.
  expect(within(step).getAllByRole('alert')).toEqual([refusal]);
  expect(step.querySelector('.error-box')).toBeNull();
  // Other errors are not dressed as a refusal.
  expect(screen.getAllByTestId('read-only-refusal')).toHaveLength(1);
});
