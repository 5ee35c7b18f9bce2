import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ok, planOf, runScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const script = `update accounts set balance = 0 where id = 7;
delete from sessions;
update accounts set frozen = true`;

/** As the parser classifies it: the second and third statements have no WHERE. */
const plan = planOf(script, (sql) => ({
  changes: true,
  unfiltered: !sql.includes('where'),
}));

test('on a development connection, UPDATE and DELETE without WHERE are named before anything runs', async () => {
  const view = makeView({
    config: makeConfig({ environment: 'development' }),
    status: 'connected',
    state: { connected: 'idle' },
  });
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: plan.statements.map((s) => ok(s, { rows: [], rowCount: 3, fields: [] })),
      }));
    },
  });
  await runScript(script);

  const ask = await screen.findByRole('dialog', { name: 'UPDATE or DELETE without WHERE' });
  expect(ask.textContent).toContain('These statements have no WHERE clause');
  expect(within(ask).queryByRole('region', { name: 'Changes to production' })).toBeNull();
  expect(
    within(ask)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('code')?.textContent),
  ).toEqual(['delete from sessions', 'update accounts set frozen = true']);
  fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
  expect(transport.calls.some((c) => c.command === 'run_script')).toBe(false);

  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  fireEvent.click(
    within(await screen.findByRole('dialog', { name: 'UPDATE or DELETE without WHERE' })).getByRole(
      'button',
      { name: 'Run anyway' },
    ),
  );
  await waitFor(() => expect(screen.getAllByTestId('step')).toHaveLength(3));
  expect(transport.calls.filter((c) => c.command === 'run_script')).toHaveLength(1);
});

test('a filtered UPDATE alone runs without asking', async () => {
  const single = planOf('update accounts set balance = 0 where id = 7', () => ({ changes: true }));
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => single);
      t.handle('run_script', () => ({
        steps: [ok(single.statements[0]!, { rows: [], rowCount: 1, fields: [] })],
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  fireEvent.change(screen.getByLabelText('SQL'), { target: { value: single.statements[0]!.sql } });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));
  await screen.findByText('1 row affected');
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(transport.calls.filter((c) => c.command === 'run_script')).toHaveLength(1);
});
