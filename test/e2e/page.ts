import { chmod, mkdtemp, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { rawClient } from '../../main/web/test/helpers.ts';

/**
 * A data directory for one app run, readable by the `postgres` user (the demo's server runs as
 * it); `dispose` also removes the demo cluster, which may live outside it.
 */
export async function makeDataDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const parent = await mkdtemp('/tmp/tusk-e2e-');
  await chmod(parent, 0o755);
  const dir = join(parent, 'data');
  return {
    dir,
    async dispose() {
      const cluster = await realpath(join(dir, 'demo-pg')).catch(() => undefined);
      if (cluster && !cluster.startsWith(parent))
        await rm(cluster, { recursive: true, force: true });
      await rm(parent, { recursive: true, force: true });
    },
  };
}

/** The sidebar row of a connection, found by its name. */
export const row = (page: Page, name: string): Locator =>
  page.getByRole('option').filter({ has: page.locator('.row-name', { hasText: name }) });

/**
 * Waits until `read()` gives `want`, polling; the message says what it saw last, and what
 * `explain` adds (say, the host's record of the same moments).
 */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 20_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const more = explain ? `\n${await explain().catch((e) => `(explain failed: ${e})`)}` : '';
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${ms} ms${more}`);
}

/**
 * What the host recorded of a connection's transitions (its history, asked on a socket of the
 * test's own) and the tail of the app's output: for a failed wait on a live state, to tell a
 * page that missed a state from a host that never took it.
 */
export async function hostRecord(
  app: { url: string; output(): string },
  connectionId: string,
): Promise<string> {
  const url = new URL(app.url);
  const client = await rawClient(`ws://${url.host}/ipc${url.search}`);
  const history = JSON.stringify(await client.request('get_history', { connectionId }));
  await client.close();
  const lines = app.output().trimEnd().split('\n');
  return [`host history: ${history.slice(-4000)}`, 'app output (tail):', ...lines.slice(-40)].join(
    '\n',
  );
}

/**
 * Records, in the page, every state the chart shows and every status a row shows, as they
 * change: a fast recovery can pass through a state between two polls, a MutationObserver
 * cannot miss it.
 */
export async function recordStates(page: Page): Promise<void> {
  // Plain JavaScript, run in the page: this file is typechecked without the DOM's types.
  await page.evaluate(`(() => {
    window.__chart = [];
    window.__rows = {};
    const look = () => {
      const chart = document.querySelector('[data-testid="chart-state"]')?.textContent ?? '';
      if (chart && window.__chart[window.__chart.length - 1] !== chart) window.__chart.push(chart);
      for (const el of document.querySelectorAll('[data-connection-id]')) {
        const id = el.dataset.connectionId;
        if (!window.__rows[id]) window.__rows[id] = [];
        const seen = window.__rows[id];
        const status = el.dataset.status ?? '';
        if (seen[seen.length - 1] !== status) seen.push(status);
      }
    };
    look();
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['data-status'],
    });
  })()`);
}

export const chartStates = (page: Page): Promise<string[]> => page.evaluate('window.__chart');

export const rowStatuses = (page: Page, id: string): Promise<string[]> =>
  page.evaluate(`window.__rows[${JSON.stringify(id)}] ?? []`);

/** True when `seen` passes through each of `steps` in order (a step matches a state or its substates). */
export function passesThrough(seen: string[], steps: string[]): boolean {
  let at = 0;
  for (const state of seen) {
    const step = steps[at];
    if (step !== undefined && (state === step || state.startsWith(`${step}.`))) at++;
  }
  return at === steps.length;
}

export async function expectText(locator: Locator, text: string | RegExp, ms = 20_000) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: ms });
  expect(await locator.filter({ hasText: text }).count()).toBeGreaterThan(0);
}
