/**
 * The UI with 1,000 saved connections, in Chromium against browser mode: how soon the first rows
 * are painted, how a status change reaches the screen, and how scrolling the sidebar holds its
 * frame rate. The host, the service and a real server run here; the page is the built renderer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import type { ConnectionConfig } from '../machines/config.ts';
import { STORE_FILE_NAME, serialiseStore } from '../main/storage/store-file.ts';
import { startWebHost } from '../main/web/index.ts';
import { launchBrowser } from '../test/e2e/browser.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import { benchConfig, openService, progress } from './lib/setup.ts';
import { fmt, max, median, percentile } from './lib/stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SAVED = 1000;
const TARGET_FIRST_ROWS_MS = 1000;
const TARGET_STATUS_P95_MS = 100;
/** Issue 21: with the connection's own chart open, 103 ms p95 against 34 without it. */
const TARGET_CHART_P95_MS = 50;
const TARGET_SCROLL_P95_MS = 34;

// Runs in the page before its own scripts: the moment rows first exist, taken in the frame
// that paints them (a requestAnimationFrame after the mutation runs just before that paint).
const FIRST_ROWS = `(() => {
  const seen = () => document.querySelector('[role="option"]');
  const observer = new MutationObserver(() => {
    if (!seen()) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstRows = performance.now(); });
  });
  observer.observe(document, { subtree: true, childList: true });
})()`;

// In the page: each change of one row's data-status, stamped (epoch ms, high resolution) in
// the frame that paints it.
const WATCH_ROW = (id: string) => `(() => {
  window.__painted = [];
  let last = null;
  const look = () => {
    const el = document.querySelector('[data-connection-id="${id}"]');
    const status = el && el.dataset.status;
    if (!status || status === last) return;
    last = status;
    requestAnimationFrame(() => window.__painted.push({ status, at: performance.timeOrigin + performance.now() }));
  };
  new MutationObserver(look).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  look();
})()`;

// In the page: each change of the live chart's own state readout (its active state, drawn in the
// same render as the highlighted states), by top-level state, stamped in the frame that paints it.
const WATCH_CHART = `(() => {
  window.__chartPainted = [];
  let last = null;
  const look = () => {
    const el = document.querySelector('[data-testid="chart-state"]');
    const status = el && el.textContent ? el.textContent.split('.')[0] : null;
    if (!status || status === last) return;
    last = status;
    requestAnimationFrame(() => window.__chartPainted.push({ status, at: performance.timeOrigin + performance.now() }));
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  look();
})()`;

/** When the chart first painted `status` at or after `since` (epoch ms); null if not within 5 s. */
async function waitChartPainted(page: Page, status: string, since: number): Promise<number | null> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const painted = (await page.evaluate('window.__chartPainted')) as {
      status: string;
      at: number;
    }[];
    const hit = painted.find((p) => p.status === status && p.at >= since);
    if (hit) return hit.at;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// In the page: scrolls the sidebar from top to bottom, a fixed step per frame, and returns
// the time between frames.
const SCROLL = `new Promise((resolve) => {
  const list = document.querySelector('.sidebar-list');
  const deltas = [];
  let previous = performance.now();
  const step = () => {
    const now = performance.now();
    deltas.push(now - previous);
    previous = now;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) return resolve(deltas.slice(1));
    list.scrollTop += 240;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * When `status` #count is painted; null if the status after it (`then` #thenCount) was painted
 * first: the host sends what changed once per frame, so a connect that takes less than a frame
 * goes from disconnected to connected on screen, and its `connecting` is never drawn.
 */
async function waitPainted(
  page: Page,
  status: string,
  count: number,
  then?: { status: string; count: number },
): Promise<number | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const painted = (await page.evaluate('window.__painted')) as { status: string; at: number }[];
    const hits = painted.filter((p) => p.status === status);
    if (hits.length >= count) return hits[count - 1]!.at;
    if (then && painted.filter((p) => p.status === then.status).length >= then.count) return null;
    if (Date.now() > deadline) throw new Error(`"${status}" #${count} never painted`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export default defineBenchmark({
  name: 'ui-render',
  title: '7. The UI with 1,000 saved connections',
  async run({ quick }) {
    const loads = quick ? 4 : 12;
    const cycles = quick ? 8 : 25;
    progress('ui: building the renderer');
    await build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
    const server = await startPostgres();
    const { service, dataDir, close } = await openService();
    await service.close();
    // 1,000 saved connections, written as the store writes them; one of them is real and
    // sorts first, so its row is on screen.
    const live = benchConfig(
      server,
      'bench-ui',
      { keepaliveIntervalSec: 3600 },
      { name: '000 live' },
    );
    const saved: ConnectionConfig[] = [
      live,
      ...Array.from({ length: SAVED - 1 }, (_, i) =>
        benchConfig(server, `bench-ui-${i}`, {}, { name: `saved ${String(i).padStart(4, '0')}` }),
      ),
    ];
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      join(dataDir, STORE_FILE_NAME),
      serialiseStore({ connections: saved, groups: [] }),
    );
    const reopened = await openService({}, dataDir);
    const host = await startWebHost({
      service: reopened.service,
      staticDir: join(root, 'dist', 'renderer'),
    });
    const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await browser.context.newPage();
      await page.addInitScript(FIRST_ROWS);
      const firstRows: number[] = [];
      const fcp: number[] = [];
      for (let i = 0; i < loads + 1; i++) {
        await page.goto(host.url);
        // Polled with evaluate: waitForFunction would need eval, which the page's CSP refuses.
        for (let t = 0; (await page.evaluate('window.__firstRows')) === undefined; t++) {
          if (t > 3000) throw new Error('no rows within 30 s');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        if (i === 0) continue; // the first load fills the browser's caches
        firstRows.push((await page.evaluate('window.__firstRows')) as number);
        fcp.push(
          (await page.evaluate(
            `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`,
          )) as number,
        );
      }
      const rowsDrawn = (await page.locator('[role="option"]').count()) as number;
      progress(`ui: first rows after ${fmt(median(firstRows), 0)} ms (median of ${loads})`);

      await page.evaluate(WATCH_ROW(live.id));
      const heard: { status: string; at: number }[] = [];
      const stop = reopened.service.onStatus((e) => {
        if (e.connectionId === live.id) heard.push({ status: e.status, at: epochNow() });
      });
      // The row was painted `disconnected` once already, before the first cycle.
      const painted: Record<string, number> = { connecting: 0, connected: 0, disconnected: 1 };
      const told: Record<string, number> = { connecting: 0, connected: 0, disconnected: 0 };
      let skipped = 0;
      const lag = async (status: string, then?: string) => {
        const at = await waitPainted(
          page,
          status,
          ++painted[status]!,
          then ? { status: then, count: painted[then]! + 1 } : undefined,
        );
        const event = heard.filter((h) => h.status === status)[told[status]!++]!;
        if (at !== null) return [at - event.at];
        painted[status]!--;
        skipped++;
        return [];
      };
      // Twice: with another connection's details open (the row alone changes), and with this
      // connection's own details and live chart open (row, details and chart change).
      const scenarios = [
        { label: 'row only', select: 'saved 0000' },
        { label: 'row, details and chart', select: live.name },
      ];
      const latency: Record<string, Record<string, number[]>> = {};
      // With the chart open: from the same event to the frame that paints the chart's own state.
      const chartLag: number[] = [];
      let chartMissed = 0;
      const chartFollows = async (status: string) => {
        const event = heard.filter((h) => h.status === status).at(-1)!;
        const at = await waitChartPainted(page, status, event.at);
        if (at === null) chartMissed++;
        else chartLag.push(at - event.at);
      };
      for (const { label, select } of scenarios) {
        await page.locator('[role="option"]', { hasText: select }).click();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const withChart = select === live.name;
        if (withChart) await page.evaluate(WATCH_CHART);
        const by: Record<string, number[]> = { connecting: [], connected: [], disconnected: [] };
        latency[label] = by;
        for (let i = 0; i < cycles; i++) {
          await reopened.service.connect(live, { password: server.password });
          by.connecting!.push(...(await lag('connecting', 'connected')));
          by.connected!.push(...(await lag('connected')));
          if (withChart) await chartFollows('connected');
          await reopened.service.disconnect(live.id);
          by.disconnected!.push(...(await lag('disconnected')));
          if (withChart) await chartFollows('disconnected');
        }
      }
      stop();
      const rowOnly = Object.values(latency['row only']!).flat();
      const all = Object.values(latency).flatMap((by) => Object.values(by).flat());
      progress(`ui: status to pixels p95 ${fmt(percentile(all, 95))} ms over ${all.length}`);

      const frames: number[] = [];
      for (let i = 0; i < (quick ? 2 : 5); i++) {
        await page.evaluate('document.querySelector(".sidebar-list").scrollTop = 0');
        frames.push(...((await page.evaluate(SCROLL)) as number[]));
      }
      const slow = frames.filter((f) => f > 34).length;
      progress(`ui: scroll frames p95 ${fmt(percentile(frames, 95))} ms, ${slow} over 34 ms`);

      const firstMedian = median(firstRows);
      const statusP95 = percentile(rowOnly, 95);
      const withChart = Object.values(latency['row, details and chart']!).flat();
      const chartP95 = percentile(withChart, 95);
      const scrollP95 = percentile(frames, 95);
      return {
        method: [
          `${SAVED} saved connections in connections.json; browser mode (startWebHost) over the`,
          "service serves the built renderer to Debian's Chromium (headless, playwright-core).",
          `First rows: ${loads} page loads after one to warm the cache; the time runs from`,
          "navigation start to the frame that paints the sidebar's first rows (a",
          'requestAnimationFrame after the MutationObserver sees them). Status to pixels:',
          `${cycles} connect/disconnect cycles of one real connection to an embedded PostgreSQL, first`,
          "with another connection's details open, then with its own (the live chart redraws too);",
          "from the service's `onStatus` event to the frame that paints the row's new status, both",
          'clocks in epoch milliseconds (performance.timeOrigin + now) on the same machine. Scroll:',
          'the sidebar scrolled top to bottom at 240 px per frame; the time between frames.',
          'A status the page never painted has no sample; the host sends every status a',
          `connection takes, even one shorter than its frame (${skipped} of ${2 * cycles} missing in this run).`,
        ].join(' '),
        tables: [
          {
            columns: ['measure', 'median', 'p95', 'max', 'n'],
            rows: [
              [
                'first rows painted (ms after navigation)',
                fmt(firstMedian, 0),
                fmt(percentile(firstRows, 95), 0),
                fmt(max(firstRows), 0),
                firstRows.length,
              ],
              [
                'first contentful paint (ms)',
                fmt(median(fcp), 0),
                fmt(percentile(fcp, 95), 0),
                fmt(max(fcp), 0),
                fcp.length,
              ],
              ...Object.entries(latency).flatMap(([label, by]) =>
                Object.entries(by).map(([status, xs]) => [
                  `status → pixels, ${label}: ${status} (ms)`,
                  fmt(median(xs)),
                  fmt(percentile(xs, 95)),
                  fmt(max(xs)),
                  xs.length,
                ]),
              ),
              [
                "status → pixels of the chart's own state (connected, disconnected; ms)",
                fmt(median(chartLag)),
                fmt(percentile(chartLag, 95)),
                fmt(max(chartLag)),
                chartLag.length,
              ],
              [
                'sidebar scroll: time between frames (ms)',
                fmt(median(frames)),
                fmt(scrollP95),
                fmt(max(frames)),
                frames.length,
              ],
            ],
          },
        ],
        verdicts: [
          {
            target: `first rows painted within ${TARGET_FIRST_ROWS_MS} ms with ${SAVED} saved connections`,
            met: firstMedian <= TARGET_FIRST_ROWS_MS,
            detail: `median ${fmt(firstMedian, 0)} ms; ${rowsDrawn} row elements exist (virtualised)`,
          },
          {
            target: `a status change painted in its row within ${TARGET_STATUS_P95_MS} ms (p95)`,
            met: statusP95 <= TARGET_STATUS_P95_MS,
            detail: `p95 ${fmt(statusP95)} ms, median ${fmt(median(rowOnly))} ms over ${rowOnly.length} changes; with its own details and chart open p95 ${fmt(percentile(all.slice(rowOnly.length), 95))} ms`,
          },
          {
            target: `a status change painted within ${TARGET_CHART_P95_MS} ms (p95) with the connection's own details and state chart open`,
            met: chartP95 <= TARGET_CHART_P95_MS,
            detail: `p95 ${fmt(chartP95)} ms, median ${fmt(median(withChart))} ms over ${withChart.length} changes; ${fmt(chartP95 / statusP95, 2)}× the row-only p95 of this run; the chart's own state painted at p95 ${fmt(percentile(chartLag, 95))} ms (median ${fmt(median(chartLag))}, ${chartLag.length} changes${chartMissed ? `, ${chartMissed} not seen within 5 s` : ''})`,
          },
          {
            target: `sidebar scrolling at ${TARGET_SCROLL_P95_MS} ms per frame or better (p95)`,
            met: scrollP95 <= TARGET_SCROLL_P95_MS,
            detail: `p95 ${fmt(scrollP95)} ms; ${slow} of ${frames.length} frames over 34 ms`,
          },
        ],
        notes: [
          'Headless Chromium with --disable-gpu paints in software, on the shared 2-core machine: ' +
            "scroll frames over 34 ms come with the machine's load (other jobs run beside).",
          'The view stream coalesces changes per frame on the host, so a status reaches the page ' +
            'within one host frame plus the socket, and the page re-renders that row alone. With ' +
            "the connection's own details open, the details and the live chart redraw too. The " +
            'chart used to cost 103 ms p95 against 34 without it: every state change re-made all ' +
            'of its React Flow nodes and edges (so React Flow re-rendered every one) and re-centred ' +
            'the view on the active state with a 300 ms animated pan. Now a node or edge object is ' +
            'kept while what it shows is unchanged (flow.tsx), the view stays fitted unless asked, ' +
            'the layout is computed once per machine, and the timeline re-renders only new marks. ' +
            'Then 78 ms p95: a re-made node had no measured handles in React Flow, so every edge ' +
            'at it and its label unmounted and mounted again a frame later; the entered ring ' +
            'animated a box-shadow (a repaint per frame for 0.9 s); and each transition asked the ' +
            'host for the durable history and re-rendered the whole details with the answer. Nodes ' +
            'now carry their handles, the ring animates opacity, and the history is asked once a ' +
            'burst of transitions settles, redrawing the chart alone.',
        ],
      };
    } finally {
      await browser.close();
      await host.close();
      await reopened.close();
      await close();
      await server.dispose();
    }
  },
});
