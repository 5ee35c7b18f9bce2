import { expect, test } from 'vitest';
import { sharedServer } from '../harness/shared.ts';
import { openScriptConsole } from './console.ts';
import { until } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * Cancel during a script stops the statement running on the server; the script stops there
 * and what comes after it does not run.
 */
const pg = sharedServer();
const suite = e2eSuite();

async function backend(pid: number): Promise<{ state: string; query: string } | null> {
  const { rows } = await pg
    .admin()
    .query('select state, query from pg_stat_activity where pid = $1', [pid]);
  return rows[0] ?? null;
}

test('Cancel in the middle of "select 1; select pg_sleep(30); select 3;" stops the sleep and the script', async () => {
  const c = await openScriptConsole(suite, pg, { name: 'cancel a script (e2e)' });
  const pid = await c.backendPid();
  expect(pid).toBeGreaterThan(0);

  const started = Date.now();
  await c.start('select 1 as one;\nselect pg_sleep(30);\nselect 3 as three;');
  await until(
    'pg_sleep running on the server',
    () => backend(pid),
    (b) => b?.state === 'active' && b.query.includes('pg_sleep'),
  );
  await c.panel.getByRole('button', { name: 'Cancel' }).click();
  const stopped = c.panel.getByRole('status');
  await stopped.waitFor({ timeout: 10_000 });
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(await stopped.textContent()).toContain(
    'Stopped at statement 2 of 3 (line 2): 1 statement after it did not run.',
  );
  expect(await stopped.getByRole('button').textContent()).toBe('Run the rest (1 statement)');
  expect(await c.steps.count()).toBe(2);
  expect(await c.steps.nth(1).locator('.sqlstate').textContent()).toBe('SQLSTATE 57014');
  // Stopped on the server, not abandoned by the UI: the backend is idle and still the console's.
  await until(
    'the backend idle',
    () => backend(pid),
    (b) => b?.state === 'idle',
    10_000,
  );
  expect(await c.backendPid()).toBe(pid);
  await c.page.close();
});
