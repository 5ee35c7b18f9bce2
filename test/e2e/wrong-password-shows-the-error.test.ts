import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../harness/shared.ts';
import { row, until } from './page.ts';
import { e2eSuite } from './suite.ts';

const pg = sharedServer();
const suite = e2eSuite();

test('a wrong password: the test names the failing stage, and Connect shows the error with its SQLSTATE', async () => {
  const role = uniqueName('e2e_role');
  await pg.createRole(role, 'right-password');
  const page = await suite.browser.context.newPage();
  await page.goto(suite.app.url);

  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('wrong password (e2e)');
  await form.getByLabel('Host', { exact: true }).fill(pg.host);
  await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
  await form.getByLabel('Database', { exact: true }).fill(pg.database);
  await form.getByLabel('User', { exact: true }).fill(role);
  await form.getByLabel('Password', { exact: true }).fill('wrong-password');
  await form.getByRole('button', { name: 'Test connection' }).click();
  const result = form.getByRole('region', { name: 'Test result' });
  await result.getByText('Test failed').waitFor();
  const failed = await result.locator('.stage-failed').textContent();
  expect(failed).toContain('Authentication');
  expect(failed).toContain('SQLSTATE 28P01');

  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  const wrong = row(page, 'wrong password (e2e)');
  await wrong.click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'the row',
    () => wrong.getAttribute('data-status'),
    (s) => s === 'error',
  );
  expect(await wrong.textContent()).toContain('Error');
  const error = page.locator('.info .error-box');
  await error.waitFor();
  const text = await error.textContent();
  expect(text).toContain('AuthFailed');
  expect(text).toMatch(/password authentication failed/i);
  expect(text).toContain('SQLSTATE 28P01');
  // And quietly in the status bar, for whoever was looking elsewhere.
  await until(
    'the status bar',
    () => page.getByTestId('status-latest').textContent(),
    (t) => !!t?.includes('wrong password (e2e): error'),
  );
});
