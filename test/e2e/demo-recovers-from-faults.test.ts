import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningApp, startApp } from './app.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import {
  chartStates,
  hostRecord,
  makeDataDir,
  passesThrough,
  recordStates,
  row,
  until,
} from './page.ts';

/*
 * The demo as a newcomer meets it with npm start: its fault buttons break the connection and
 * the live chart shows the way back. The demo's timings are short (seconds), so is this.
 */
const DEMO = 'Demo (embedded)';
let data: Awaited<ReturnType<typeof makeDataDir>>;
let app: RunningApp;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  data = await makeDataDir();
  app = await startApp({ dataDir: data.dir });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(app.url);
  await row(page, DEMO).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'the demo',
    () => row(page, DEMO).getAttribute('data-status'),
    (s) => s === 'connected',
  );
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await data?.dispose();
});

test('Blackhole network: the chart walks connected.pinging → reconnecting → connected', async () => {
  await recordStates(page);
  await page.getByRole('button', { name: 'Blackhole network' }).click();
  const seen = await until(
    'the chart to recover through a failed ping',
    () => chartStates(page),
    (states) => passesThrough(states, ['connected.pinging', 'reconnecting', 'connected']),
    45_000,
  );
  // The ping that hung is the one that found the loss: pinging, then lost or reconnecting.
  const lost = seen.findIndex((s) => s.startsWith('reconnecting'));
  expect(seen[lost - 1]).toMatch(/^connected\.(pinging|lost)$/);
  // While it waited, the details counted attempts down to the next try.
  const history = await page.getByRole('list', { name: 'Recent transitions' }).textContent();
  expect(history).toContain('reconnecting.attempting');
});

test('Terminate backends: the row and the chart show reconnecting, then connected', async () => {
  await recordStates(page);
  const id = (await row(page, DEMO).getAttribute('data-connection-id'))!;
  await page.getByRole('button', { name: 'Terminate backends' }).click();
  await until(
    'the chart to pass through reconnecting',
    () => chartStates(page),
    (states) => passesThrough(states, ['reconnecting', 'connected']),
    20_000,
    () => hostRecord(app, id),
  );
  await until(
    'the demo row',
    () => row(page, DEMO).getAttribute('data-status'),
    (s) => s === 'connected',
  );
});

test('the chart offers the events the state takes, and a click sends them: DISCONNECT, then CONNECT', async () => {
  const toolbar = page.getByRole('toolbar', { name: 'Send an event' });
  expect(await toolbar.getByRole('button', { name: 'CONNECT', exact: true }).isDisabled()).toBe(
    true,
  );
  await toolbar.getByRole('button', { name: 'DISCONNECT', exact: true }).click();
  await until(
    'disconnected',
    () => page.getByTestId('chart-state').textContent(),
    (s) => s === 'disconnected.closed',
  );
  // In the chart itself, the CONNECT edge leaving the active state is a button.
  await page.locator('.chart-event', { hasText: /^CONNECT$/ }).click();
  await until(
    'connected',
    () => page.getByTestId('chart-state').textContent(),
    (s) => !!s?.startsWith('connected.'),
  );
});
