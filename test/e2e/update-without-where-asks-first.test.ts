import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../harness/shared.ts';
import { openScriptConsole } from './console.ts';
import { e2eSuite } from './suite.ts';

/*
 * On a read-write connection an UPDATE without WHERE is named before it runs; declined, the
 * server sees nothing; confirmed, it runs. Checked on the server through the harness's own
 * connection.
 */
const pg = sharedServer();
const suite = e2eSuite();

const total = async (table: string) =>
  (await pg.admin().query(`select sum(n)::int as s from ${table}`)).rows[0].s as number;

test('an UPDATE without WHERE asks first: Cancel leaves every row, Run anyway updates them', async () => {
  const table = uniqueName('e2e_unfiltered');
  await pg.admin().query(`create table ${table} (n int)`);
  await pg.admin().query(`insert into ${table} values (1), (2), (3)`);
  const c = await openScriptConsole(suite, pg, { name: 'local (e2e)' });

  const script = `select count(*) from ${table};\nupdate ${table} set n = 0`;
  await c.start(script);
  const ask = c.page.getByRole('dialog', { name: 'UPDATE or DELETE without WHERE' });
  await ask.waitFor();
  expect(await ask.locator('code').allTextContents()).toEqual([`update ${table} set n = 0`]);
  expect(await ask.textContent()).toContain('line 2');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await ask.waitFor({ state: 'detached' });
  expect(await c.steps.count()).toBe(0);
  expect(await total(table)).toBe(6);

  await c.start(script);
  await ask.getByRole('button', { name: 'Run anyway' }).click();
  await c.steps.nth(1).waitFor();
  expect(await c.panel.getByTestId('result-summary').allTextContents()).toEqual([
    '1 row',
    '3 rows affected',
  ]);
  expect(await total(table)).toBe(0);
  await c.page.close();
});

test('a production connection that can write asks before an INSERT, naming it', async () => {
  const table = uniqueName('e2e_prod_write');
  await pg.admin().query(`create table ${table} (n int)`);
  const c = await openScriptConsole(suite, pg, {
    name: 'orders (production, writable)',
    production: true,
    readonly: false,
  });
  await c.start(`insert into ${table} values (42)`);
  const ask = c.page.getByRole('dialog', { name: 'Write to production?' });
  await ask.waitFor();
  expect(await ask.locator('code').allTextContents()).toEqual([`insert into ${table} values (42)`]);
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await ask.waitFor({ state: 'detached' });
  expect((await pg.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(0);

  await c.start(`insert into ${table} values (42)`);
  await ask.getByRole('button', { name: 'Run on production' }).click();
  await c.steps.first().waitFor();
  expect((await pg.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(1);
  await c.page.close();
});
