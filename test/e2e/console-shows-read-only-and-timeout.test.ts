import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../harness/shared.ts';
import { row, until } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * The console shows what the connection's safety settings do on the server: a write through a
 * read-only connection refused with 25006, a statement stopped by the statement timeout.
 */
const pg = sharedServer();
const suite = e2eSuite();

test('read-only and a 500 ms statement timeout: a write is refused with 25006, a long statement stopped', async () => {
  const table = uniqueName('e2e_ro');
  await pg.admin().query(`create table ${table} (n int)`);
  const page = await suite.browser.context.newPage();
  await page.goto(suite.app.url);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('guarded (e2e)');
  await form.getByLabel('Host', { exact: true }).fill(pg.host);
  await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
  await form.getByLabel('Database', { exact: true }).fill(pg.database);
  await form.getByLabel('User', { exact: true }).fill(pg.user);
  await form.getByLabel('Password', { exact: true }).fill(pg.password);
  await form.getByLabel('Read-only').check();
  await form.getByLabel('Statement timeout').fill('500');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });

  const guarded = row(page, 'guarded (e2e)');
  await guarded.click();
  expect(await guarded.textContent()).toContain('RO');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'connected',
    () => guarded.getAttribute('data-status'),
    (s) => s === 'connected',
  );
  await page.getByRole('tab', { name: 'Console' }).click();
  const consolePanel = page.getByRole('region', { name: 'Query console' });
  const sql = consolePanel.getByLabel('SQL');
  const run = consolePanel.getByRole('button', { name: 'Run' });
  await until(
    'Run',
    () => run.isEnabled(),
    (ok) => ok,
  );

  await sql.fill(`insert into ${table} values (1)`);
  await run.click();
  const refused = consolePanel.getByTestId('read-only-refusal');
  await refused.waitFor();
  expect(await refused.textContent()).toContain('read-only transaction');
  expect(await refused.textContent()).toContain('SQLSTATE 25006');
  const { rows } = await pg.admin().query(`select count(*)::int as n from ${table}`);
  expect(rows[0].n).toBe(0);

  await sql.fill('select pg_sleep(3)');
  await run.click();
  const failed = consolePanel.locator('.console-output .error-box');
  await until(
    'the timeout',
    () => failed.textContent(),
    (text) => !!text?.includes('SQLSTATE 57014'),
    10_000,
  );
  expect(await failed.textContent()).toContain('statement timeout');

  await sql.fill('select 41 + 1 as answer');
  await run.click();
  await consolePanel.getByTestId('result-summary').waitFor();
  expect(await consolePanel.getByRole('table').textContent()).toContain('42');
});
