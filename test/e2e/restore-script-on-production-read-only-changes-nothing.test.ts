import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../harness/shared.ts';
import { openScriptConsole } from './console.ts';
import { e2eSuite } from './suite.ts';

/*
 * A user pastes a restore script made by pg_dumpall into the console of a production connection
 * that is read-only. Its preamble turns the session's read-only default off and commits; the
 * data follows. The console shows the server's refusal, plainly, and the table is counted on the
 * server through the harness's own connection, not through the connection under test.
 */
const pg = sharedServer();
const suite = e2eSuite();

const restoreScript = (table: string) => `--
-- PostgreSQL database cluster dump
--

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

COMMIT;

INSERT INTO ${table} VALUES (1), (2), (3);
`;

const count = async (table: string) =>
  (await pg.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

test("pg_dumpall's preamble and an INSERT on a production read-only connection: refused, shown plainly, nothing written", async () => {
  const table = uniqueName('e2e_restore');
  await pg.admin().query(`create table ${table} (n int)`);
  const c = await openScriptConsole(suite, pg, { name: 'orders (production)', production: true });

  await c.run(restoreScript(table));
  // Read-only is the server's refusal, not a question: no confirmation came up.
  expect(await c.page.getByRole('dialog').count()).toBe(0);
  const refusal = c.panel.getByTestId('read-only-refusal').first();
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('This connection is read-only');
  expect(await refusal.textContent()).toContain('turn off Read-only under Safety');
  expect(await c.panel.locator('.step-error .sqlstate').first().textContent()).toBe(
    'SQLSTATE 25006',
  );
  expect(await c.panel.getByRole('status').textContent()).toMatch(/^Stopped at statement \d+ of 5/);
  expect(await count(table)).toBe(0);

  // Going on after each error changes nothing either: every write is refused on its own.
  await c.panel.getByLabel('Stop at the first error').uncheck();
  await c.run(restoreScript(table));
  expect(await c.steps.count()).toBe(5);
  expect(await c.panel.locator('.step-command').last().textContent()).toBe('INSERT');
  expect(await c.panel.locator('.step').last().getAttribute('class')).toContain('step-error');
  expect(await count(table)).toBe(0);

  // And the connection still reads, on the same console.
  await c.run(`select count(*)::int as n from ${table}`);
  expect(await c.panel.locator('table.grid tbody td').first().textContent()).toBe('0');

  // Where to change it is one click from the refusal: the form, Read-only on, under Safety.
  await c.run(restoreScript(table));
  await refusal.getByRole('button', { name: 'Edit connection' }).click();
  const form = c.page.getByRole('dialog', { name: 'Edit orders (production)' });
  await form.waitFor();
  expect(await form.getByLabel('Read-only').isChecked()).toBe(true);
  await c.page.close();
});
