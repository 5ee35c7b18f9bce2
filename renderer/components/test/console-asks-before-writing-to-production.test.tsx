import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionConfigInput } from '../../../machines/config.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ok, planOf, rows, runScript } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const script = `select count(*) as n from orders;
insert into audit (what) values ('backfill');
update orders set status = 'late' where due < now();
select 1 as done`;

/** The engine's classification of the script: the writes change data, nothing is unfiltered. */
const plan = planOf(script, (sql) => ({
  changes: /^(insert|update)/.test(sql),
}));

function renderConsole(config: Partial<ConnectionConfigInput>) {
  const view = makeView({
    config: makeConfig({ name: 'orders-primary', ...config }),
    status: 'connected',
    state: { connected: 'idle' },
  });
  return renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: plan.statements.map((s) => ok(s, rows([{ n: 1 }]))),
      }));
    },
  });
}

const sent = (calls: { command: string; args: unknown }[]) =>
  calls.filter((c) => c.command === 'run_script');

test('production and read-write: the script asks first, naming each write; Cancel sends nothing', async () => {
  const { transport } = renderConsole({
    environment: 'production',
    options: { readonly: false },
  });
  await runScript(script);
  const ask = await screen.findByRole('dialog', { name: 'Write to production?' });
  expect(ask.textContent).toContain('orders-primary is a production connection that can write');
  const named = within(ask)
    .getAllByRole('listitem')
    .map((li) => li.textContent);
  expect(named).toEqual([
    "INSERTinsert into audit (what) values ('backfill')line 2",
    "UPDATEupdate orders set status = 'late' where due < now()line 3",
  ]);
  // The safe choice has the focus.
  expect(document.activeElement?.textContent).toBe('Cancel');
  fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(sent(transport.calls)).toHaveLength(0);
  expect(screen.queryAllByTestId('step')).toHaveLength(0);
});

test('production and read-write: confirmed, the whole script runs', async () => {
  const { transport } = renderConsole({
    environment: 'production',
    options: { readonly: false },
  });
  await runScript(script);
  const ask = await screen.findByRole('dialog', { name: 'Write to production?' });
  fireEvent.click(within(ask).getByRole('button', { name: 'Run on production' }));
  await waitFor(() => expect(screen.getAllByTestId('step')).toHaveLength(4));
  expect(sent(transport.calls)).toHaveLength(1);
  expect((sent(transport.calls)[0]!.args as { sql: string }).sql).toBe(script);
});

test('not asked where the server refuses writes itself (production read-only) or off production', async () => {
  for (const config of [
    { environment: 'production', options: { readonly: true } },
    { environment: 'staging', options: { readonly: false } },
    { options: { readonly: false } },
  ] as const) {
    const { transport, unmount } = renderConsole(config);
    await runScript(script);
    await waitFor(() => expect(screen.getAllByTestId('step')).toHaveLength(4));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(sent(transport.calls)).toHaveLength(1);
    unmount();
  }
});
