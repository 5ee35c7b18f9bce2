import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionView } from '../../../machines/views.ts';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { failed, ok, planOf } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const connected = (overrides: Partial<ConnectionView> = {}) =>
  makeView({ status: 'connected', state: { connected: 'idle' }, ...overrides });

const commands = (calls: { command: string }[]) => calls.map((c) => c.command);

test('opens a session when it mounts, runs each statement on it, and closes it when it goes', async () => {
  const view = connected();
  const { transport, unmount } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 'session-1' }));
      t.handle('close_session', () => null);
      t.handle('plan_sql', ({ sql }) => planOf(sql));
      t.handle('run_script', ({ sql }) => ({
        steps: [
          ok(planOf(sql).statements[0]!, {
            rows: [{ n: 1, who: 'app' }],
            rowCount: 1,
            fields: [
              { name: 'n', dataTypeID: 23 },
              { name: 'who', dataTypeID: 25 },
            ],
          }),
        ],
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  fireEvent.change(screen.getByLabelText('SQL'), {
    target: { value: 'select 1 as n, current_user as who' },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  await screen.findByText('1 row');
  expect(screen.getByRole('table').textContent).toContain('app');
  expect(transport.calls.find((c) => c.command === 'run_script')?.args).toEqual({
    connectionId: view.id,
    sql: 'select 1 as n, current_user as who',
    sessionId: 'session-1',
    onError: 'stop',
  });
  unmount();
  expect(transport.calls.at(-1)).toEqual({
    command: 'close_session',
    args: { sessionId: 'session-1' },
  });
});

test('a failed statement shows its SQLSTATE, detail and hint', async () => {
  const view = connected();
  renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', ({ sql }) => planOf(sql));
      t.handle('run_script', ({ sql }) => ({
        steps: [
          {
            ...failed(planOf(sql).statements[0]!, {
              message: 'cannot execute INSERT in a read-only transaction',
              code: '25006',
            }),
            error: {
              kind: 'QueryFailed',
              message: 'cannot execute INSERT in a read-only transaction',
              code: '25006',
              detail: 'the connection is read-only',
              hint: 'turn read-only off to write',
            },
          },
        ],
        stoppedAt: 0,
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('cannot execute INSERT in a read-only transaction');
  expect(alert.textContent).toContain('SQLSTATE 25006');
  expect(alert.textContent).toContain('the connection is read-only');
  expect(alert.textContent).toContain('Hint: turn read-only off to write');
});

test('Cancel sends a cancel for the session while a statement runs', async () => {
  const view = connected();
  let finish!: () => void;
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's-cancel' }));
      t.handle('cancel', () => null);
      t.handle('plan_sql', ({ sql }) => planOf(sql));
      t.handle(
        'run_script',
        ({ sql }) =>
          new Promise((resolve) => {
            finish = () =>
              resolve({
                steps: [
                  failed(planOf(sql).statements[0]!, {
                    message: 'canceling statement due to user request',
                    code: '57014',
                  }),
                ],
                stoppedAt: 0,
              });
          }),
      );
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(true);
  fireEvent.change(screen.getByLabelText('SQL'), { target: { value: 'select pg_sleep(60)' } });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(false),
  );
  fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(transport.calls.at(-1)).toEqual({ command: 'cancel', args: { sessionId: 's-cancel' } });
  act(() => finish());
  expect((await screen.findByRole('alert')).textContent).toContain('57014');
  expect(commands(transport.calls)).toEqual(['open_session', 'plan_sql', 'run_script', 'cancel']);
});

test('the transaction state of its session is shown from the view', async () => {
  const view = connected({
    sessions: [
      { sessionId: 's-tx', transaction: 'in-transaction', busy: false, statePersists: true },
    ],
  });
  renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => t.handle('open_session', () => ({ sessionId: 's-tx' })),
  });
  await waitFor(() =>
    expect(screen.getByTestId('transaction-state').textContent).toBe('Transaction open'),
  );
});

test('a host without sessions: statements run unpinned, and the console says a transaction cannot span them', async () => {
  const view = connected();
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => {
        throw {
          kind: 'InvalidInput',
          message: 'The command open_session is not available in this build',
        };
      });
      t.handle('plan_sql', ({ sql }) => planOf(sql));
      t.handle('run_script', ({ sql }) => ({
        steps: [ok(planOf(sql).statements[0]!, { rows: [], rowCount: 0, fields: [] })],
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByTestId('transaction-state').textContent).toBe(
      'No session on this host: each statement runs alone',
    ),
  );
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  await screen.findByText('0 rows affected');
  expect(transport.calls.at(-1)?.args).not.toHaveProperty('sessionId');
  expect(screen.getByRole('button', { name: 'Cancel' }).hasAttribute('disabled')).toBe(true);
});
