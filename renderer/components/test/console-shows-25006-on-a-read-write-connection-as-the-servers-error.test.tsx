import { screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { failed, planOf, runScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

// A read-write connection whose server is a hot standby answers a write with 25006 as well: that
// is the server's answer, and turning off Read-only (already off) would change nothing.
test('25006 on a read-write connection (a standby) shows as the server error, without the read-only note', async () => {
  const script = 'INSERT INTO orders VALUES (1)';
  const plan = planOf(script, () => ({ changes: true }));
  const view = makeView({
    config: makeConfig({ options: { readonly: false } }),
    status: 'connected',
    state: { connected: 'idle' },
  });
  renderWithServices(<QueryConsole view={view} onEdit={() => undefined} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: [
          failed(plan.statements[0]!, {
            message: 'cannot execute INSERT in a read-only transaction',
            code: '25006',
          }),
        ],
        stoppedAt: 0,
      }));
    },
  });
  await runScript(script);

  const step = (await screen.findAllByTestId('step'))[0]!;
  const alert = within(step).getByRole('alert');
  expect(alert.className).toBe('error-box');
  expect(alert.textContent).toContain('cannot execute INSERT in a read-only transaction');
  expect(alert.textContent).toContain('SQLSTATE 25006');
  expect(screen.queryByTestId('read-only-refusal')).toBeNull();
});
