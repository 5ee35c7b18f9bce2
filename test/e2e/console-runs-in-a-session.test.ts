import type { Locator } from 'playwright-core';
import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../harness/shared.ts';
import { openScriptConsole, type ScriptConsole } from './console.ts';
import { row, until } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * The console holds a session of its own (one pinned backend), so a transaction spans
 * statements as in psql; Cancel stops what runs on that backend; and a Disconnect that would
 * throw an open transaction away asks first. Each claim is checked on the server itself, through
 * the harness's own connection, not only through what the UI says.
 */
const pg = sharedServer();
const suite = e2eSuite();

type Console = ScriptConsole & {
  connection: Locator;
  /** The first cell of the last result. */
  firstCell(): Promise<string>;
  transaction(): Promise<string>;
};

/**
 * A saved connection to the test server, connected, with its console open and its session held
 * (the console says "No transaction open" only once open_session answered, so the unpinned
 * fallback is not what runs these statements).
 */
async function openConsole(name: string): Promise<Console> {
  const c = await openScriptConsole(suite, pg, { name });
  return {
    ...c,
    connection: row(c.page, name),
    firstCell: async () =>
      (await c.panel.locator('table.grid tbody td').first().textContent()) ?? '',
    transaction: async () => (await c.panel.getByTestId('transaction-state').textContent()) ?? '',
  };
}

/** The server's view of one backend: its state and query, or null once it is gone. */
async function backend(pid: number): Promise<{ state: string; query: string } | null> {
  const { rows } = await pg
    .admin()
    .query('select state, query from pg_stat_activity where pid = $1', [pid]);
  return rows[0] ?? null;
}

test('BEGIN, an INSERT and ROLLBACK in the console leave no row on the server', async () => {
  const table = uniqueName('e2e_tx');
  await pg.admin().query(`create table ${table} (n int)`);
  const c = await openConsole('transaction (e2e)');

  await c.run('begin');
  await until('the open transaction', c.transaction, (t) => t === 'Transaction open');
  await c.run(`insert into ${table} values (1)`);
  expect(await c.panel.getByTestId('result-summary').textContent()).toContain('1 row affected');

  // The console's own backend sees its uncommitted row; the server, from outside, sees none.
  await c.run(`select count(*)::int from ${table}`);
  expect(await c.firstCell()).toBe('1');
  const outside = await pg.admin().query(`select count(*)::int as n from ${table}`);
  expect(outside.rows[0].n).toBe(0);

  await c.run('rollback');
  await until('no transaction', c.transaction, (t) => t === 'No transaction open');
  const after = await pg.admin().query(`select count(*)::int as n from ${table}`);
  expect(after.rows[0].n).toBe(0);
  await c.run(`select count(*)::int from ${table}`);
  expect(await c.firstCell()).toBe('0');
  await c.page.close();
});

test('Cancel stops a running pg_sleep on the server', async () => {
  const c = await openConsole('cancel (e2e)');
  await c.run('select pg_backend_pid()');
  const pid = Number(await c.firstCell());
  expect(pid).toBeGreaterThan(0);

  await c.start('select pg_sleep(60)');
  await until(
    'pg_sleep running on the server',
    () => backend(pid),
    (b) => b?.state === 'active' && b.query.includes('pg_sleep'),
  );
  await c.panel.getByRole('button', { name: 'Cancel' }).click();
  const error = c.panel.locator('.console-output .error-box');
  await error.waitFor({ timeout: 10_000 });
  expect(await error.textContent()).toContain('SQLSTATE 57014');
  // Stopped, not merely abandoned by the UI: the backend is idle again, and still the console's.
  const idle = await until(
    'the backend idle',
    () => backend(pid),
    (b) => b?.state === 'idle',
    10_000,
  );
  expect(idle).not.toBeNull();
  await c.run('select pg_backend_pid()');
  expect(Number(await c.firstCell())).toBe(pid);
  await c.page.close();
});

test('Disconnect with a transaction open asks first: declined, nothing goes; confirmed, the transaction is gone', async () => {
  const c = await openConsole('disconnect (e2e)');
  await c.run('select pg_backend_pid()');
  const pid = Number(await c.firstCell());
  await c.run('begin');
  await until('the open transaction', c.transaction, (t) => t === 'Transaction open');
  await until(
    'idle in transaction on the server',
    () => backend(pid),
    (b) => b?.state === 'idle in transaction',
  );

  await c.page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  const ask = c.page.getByRole('dialog', { name: 'Open transaction' });
  await ask.waitFor();
  expect(await ask.textContent()).toContain('rolls it back');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await ask.waitFor({ state: 'detached' });
  // Declined: still connected, the transaction still open, on the same backend.
  expect(await c.connection.getAttribute('data-status')).toBe('connected');
  expect(await c.transaction()).toBe('Transaction open');
  expect((await backend(pid))?.state).toBe('idle in transaction');

  await c.page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await ask.waitFor();
  await ask.getByRole('button', { name: 'Disconnect' }).click();
  await until(
    'disconnected',
    () => c.connection.getAttribute('data-status'),
    (s) => s === 'disconnected',
  );
  await until(
    'the backend gone from the server',
    () => backend(pid),
    (b) => b === null,
    10_000,
  );
  await c.page.close();
});
