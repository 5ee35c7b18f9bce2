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
 * The durable history as a user meets it: two incidents of the demo (its backends terminated,
 * then its network blackholed for a few seconds), then the app restarted on the same data
 * directory. The all-connections timeline still shows both drops, a drop opens the chart, and
 * the actor diagram shows the demo's actor in its state.
 */
const DEMO = 'Demo (embedded)';
let data: Awaited<ReturnType<typeof makeDataDir>>;
let app: RunningApp | undefined;
let browser: TestBrowser;
let page: Page;

const open = async () => {
  app = await startApp({ dataDir: data.dir });
  await page.goto(app.url);
};

const connected = () =>
  until(
    'the demo connected',
    () => row(page, DEMO).getAttribute('data-status'),
    (s) => s === 'connected',
    45_000,
  );

beforeAll(async () => {
  data = await makeDataDir();
  browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  page = await browser.context.newPage();
  await open();
  await row(page, DEMO).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await connected();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await data?.dispose();
});

/** The statuses of the demo's lane, left to right. */
const laneOf = async () => {
  const lane = page.locator('.lanes-lane', { hasText: DEMO });
  await lane.waitFor();
  return lane;
};
const laneStatuses = async () =>
  (await laneOf()).locator('rect').evaluateAll((rects) =>
    rects
      .map((r) => ({ x: Number(r.getAttribute('x')), status: r.getAttribute('data-status') }))
      .sort((a, b) => a.x - b.x)
      .map((r) => r.status),
  );

test('terminate, then blackhole, then a restart: the timeline shows both drops', async () => {
  await recordStates(page);
  const id = (await row(page, DEMO).getAttribute('data-connection-id'))!;
  await page.getByRole('button', { name: 'Terminate backends' }).click();
  await until(
    'the terminate to be recovered from',
    () => chartStates(page),
    (states) => passesThrough(states, ['reconnecting', 'connected']),
    20_000,
    () => hostRecord(app!, id),
  );
  await recordStates(page);
  await page.getByRole('button', { name: 'Blackhole network' }).click();
  await until(
    'the blackhole to be recovered from',
    () => chartStates(page),
    (states) => passesThrough(states, ['connected.pinging', 'reconnecting', 'connected']),
    45_000,
  );

  await app!.stop();
  await open();

  await page.getByRole('tab', { name: 'Timeline' }).click();
  const statuses = await until(
    'the demo lane with both drops',
    laneStatuses,
    (s) => s.filter((x) => x === 'reconnecting').length === 2,
  );
  // Connected around each drop, and disconnected by the restart since.
  expect(statuses.slice(statuses.indexOf('connected'))).toEqual([
    'connected',
    'reconnecting',
    'connected',
    'reconnecting',
    'connected',
    'disconnected',
  ]);
  expect(await (await laneOf()).textContent()).toContain('2 drops');

  // The second drop is the blackhole's: its stretch opens the demo's chart.
  const drops = (await laneOf()).locator('rect[data-status="reconnecting"]');
  expect(await drops.nth(0).getAttribute('aria-label')).toMatch(/: connected\.\S+ → reconnecting/);
  expect(await drops.nth(1).getAttribute('aria-label')).toMatch(
    /: connected\.pinging → reconnecting\.\S+ on after \w+ \(ConnectionLost\)$/,
  );
  await drops.nth(1).click();
  await page.getByRole('tab', { name: 'State chart', selected: true }).waitFor();
  expect(await page.getByRole('heading', { name: DEMO }).count()).toBe(1);

  // The chart shows that moment: the blackhole's failed ping, the transition it took.
  const detail = page.getByTestId('timeline-detail');
  await until(
    'the chart at the blackhole',
    () => detail.textContent(),
    (text) => /connected\.pinging\s*→\s*reconnecting/.test(text ?? ''),
  );
  expect(await detail.textContent()).toContain('ConnectionLost');
  expect(await page.getByTestId('chart-state').textContent()).toMatch(/^reconnecting/);
  // The chart's own timeline, read back from the history after the restart, has both.
  const marks = page.getByTestId('timeline').getByRole('option');
  const labels = await marks.evaluateAll((ms) => ms.map((m) => m.getAttribute('aria-label') ?? ''));
  const incidents = labels.flatMap((l, i) =>
    / connected\.\S+ to reconnecting/.test(l) ? [i] : [],
  );
  expect(incidents).toHaveLength(2);
  expect(labels[incidents[1]!]).toMatch(/ connected\.pinging to reconnecting/);
  // The first one, picked in the chart's timeline: the terminate's lost connection.
  const blackhole = await detail.textContent();
  await marks.nth(incidents[0]!).click();
  await until(
    'the chart at the terminate',
    () => detail.textContent(),
    (text) => text !== blackhole && /connected\.\S+\s*→\s*reconnecting/.test(text ?? ''),
  );
  await page.getByRole('button', { name: 'Live' }).click();
});

test('the actor diagram shows the demo actor in its state, live', async () => {
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await connected();
  await page.getByRole('tab', { name: 'Actor system' }).click();
  const demo = page.locator('[data-testid="actor-diagram"] button.actor-node-connection', {
    hasText: DEMO,
  });
  await until(
    'the demo actor connected in the diagram',
    () => demo.getAttribute('data-state'),
    (s) => !!s?.startsWith('connected.'),
  );
  expect(await page.locator('[data-actor="manager"]').textContent()).toMatch(/connection actor/);
  await page.getByRole('tab', { name: 'Table' }).click();
  await page.locator('.actor-child', { hasText: DEMO }).waitFor();
});
