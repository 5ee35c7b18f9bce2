import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sharedServer } from '../harness/shared.ts';
import { type RunningApp, startApp } from './app.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import {
  chartStates,
  hostRecord,
  makeDataDir,
  passesThrough,
  recordStates,
  row,
  rowStatuses,
  until,
} from './page.ts';

/*
 * A user's way through one connection, in the real app (npm start's browser mode) on a real
 * server, in Chromium: create it in the form, test it, connect, lose its backends and watch it
 * recover, then delete it and find it still gone after the app restarts.
 */
const pg = sharedServer();
const APP_NAME = 'tusk-e2e-lifecycle';
let data: Awaited<ReturnType<typeof makeDataDir>>;
let app: RunningApp;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  data = await makeDataDir();
  app = await startApp({ dataDir: data.dir, demo: false });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(app.url);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await data?.dispose();
});

test('create a connection in the form, test it (every stage with its time), save and connect', async () => {
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('orders (e2e)');
  await form.getByLabel('Host', { exact: true }).fill(pg.host);
  await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
  await form.getByLabel('Database', { exact: true }).fill(pg.database);
  await form.getByLabel('User', { exact: true }).fill(pg.user);
  await form.getByLabel('Password', { exact: true }).fill(pg.password);
  await form.getByLabel('Application name').fill(APP_NAME);
  await form.getByRole('button', { name: 'Test connection' }).click();

  const result = form.getByRole('region', { name: 'Test result' });
  await result.getByText('Test succeeded').waitFor();
  const stages = await result.locator('.stage').allInnerTexts();
  expect(stages.map((s) => s.split('\n')[1])).toEqual([
    'DNS',
    'TCP',
    'TLS',
    'Authentication',
    'Server info',
  ]);
  for (const stage of stages) expect(stage).toMatch(/\d+(\.\d+)? ms/);

  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  const orders = row(page, 'orders (e2e)');
  await expect(orders.getAttribute('data-status')).resolves.toBe('disconnected');

  await orders.click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'the row',
    () => orders.getAttribute('data-status'),
    (s) => s === 'connected',
  );
  await expect(page.getByTestId('details-status').textContent()).resolves.toContain('Connected');
  await expect(page.getByTestId('chart-state').textContent()).resolves.toMatch(/^connected\./);
  // The server's answers, in the details.
  await expect(page.locator('.info-grid').textContent()).resolves.toContain('PostgreSQL');
});

test('its backends terminated on the server: the row and the chart show reconnecting, then connected', async () => {
  await recordStates(page);
  const id = (await row(page, 'orders (e2e)').getAttribute('data-connection-id'))!;
  const killed = await pg.terminate({ applicationName: APP_NAME });
  expect(killed.length).toBeGreaterThan(0);
  await until(
    'the row to pass through reconnecting back to connected',
    () => rowStatuses(page, id),
    (seen) => passesThrough(seen, ['connected', 'reconnecting', 'connected']),
    20_000,
    () => hostRecord(app, id),
  );
  await until(
    'the chart to pass through reconnecting back to connected',
    () => chartStates(page),
    (seen) => passesThrough(seen, ['connected', 'reconnecting', 'connected']),
  );
  const history = await page.getByRole('list', { name: 'Recent transitions' }).textContent();
  expect(history).toContain('reconnecting');
});

test('delete asks first; the connection is gone, and still gone after the app restarts', async () => {
  // A second one, kept: after the restart it shows that the list was read, not merely empty.
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('kept (e2e)');
  await form.getByRole('button', { name: 'Save' }).click();
  await row(page, 'kept (e2e)').waitFor();

  await row(page, 'orders (e2e)').click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const ask = page.getByRole('dialog', { name: 'Delete connection' });
  await ask.getByRole('button', { name: 'Delete' }).click();
  await row(page, 'orders (e2e)').waitFor({ state: 'detached' });
  expect(await pg.backends({ applicationName: APP_NAME })).toEqual([]);

  await app.stop();
  app = await startApp({ dataDir: data.dir, demo: false });
  await page.goto(app.url);
  await row(page, 'kept (e2e)').waitFor();
  expect(await page.getByRole('option').allInnerTexts()).toHaveLength(1);
  expect(await row(page, 'orders (e2e)').count()).toBe(0);
});
