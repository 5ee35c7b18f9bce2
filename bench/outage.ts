import { createFaultProxy } from '../main/app/fault-proxy.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import { untilSuccess } from './lib/kill.ts';
import type { Verdict } from './lib/report.ts';
import { benchConfig, openService, progress } from './lib/setup.ts';
import { fmt, max, median, medianCI } from './lib/stats.ts';

const OUTAGE_MS = 8_000;
const MAX_ATTEMPTS = 40;
const MIN_LARGEST_GAP_MS = 800;

interface Outage {
  attempts: number;
  firstSecond: number;
  largestGap: number;
}

/*
 * Issue 20's storm: behind a TCP proxy every connect is accepted while the database is down, so
 * each reconnect attempt (and each readiness-probe try) reaches the proxy, and with a thousand
 * clients the proxy and the server coming back meet a thousand streams of logins.
 */
export default defineBenchmark({
  name: 'outage',
  title: '9. An 8 s outage behind a TCP proxy, nobody waiting: attempts and their spacing',
  async run({ quick }) {
    const outages = quick ? 3 : 10;
    const server = await startPostgres();
    const proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const { service, close } = await openService();
    // Uncapped, so that the count is the backoff's and not maxReconnectAttempts'.
    const config = benchConfig({ ...server, host: proxy.host, port: proxy.port }, 'bench-outage', {
      maxReconnectAttempts: 1000,
    });
    const runs: Outage[] = [];
    try {
      await service.connect(config, { password: server.password });
      for (let i = 0; i < outages; i++) {
        await untilSuccess(() => service.query(config.id, 'select 1'));
        // Idle and settled: the control client behind `connected` has opened.
        await new Promise((r) => setTimeout(r, 500));
        const before = proxy.connections.length;
        const down = performance.now();
        await server.stop();
        await new Promise((r) => setTimeout(r, OUTAGE_MS - (performance.now() - down)));
        const at = proxy.connections.slice(before).map((c) => c.at);
        await server.start();
        const gaps = at.slice(1).map((t, k) => t - at[k]!);
        runs.push({
          attempts: at.length,
          firstSecond: at.filter((t) => t - down < 1000).length,
          largestGap: gaps.length ? max(gaps) : 0,
        });
        progress(`outage ${i + 1}/${outages}: ${at.length} attempts`);
      }
    } finally {
      await close();
      await proxy.close();
      await server.dispose();
    }
    const col = (k: keyof Outage) => runs.map((r) => r[k]);
    const ci = (k: keyof Outage) => {
      const [lo, hi] = medianCI(col(k));
      return `median ${fmt(median(col(k)), 0)} (95 % CI ${fmt(lo, 0)}–${fmt(hi, 0)}), max ${fmt(max(col(k)), 0)}`;
    };
    const verdicts: Verdict[] = [
      {
        target: `attempts reaching the proxy over an ${OUTAGE_MS / 1000} s outage, nobody waiting: ≤ ${MAX_ATTEMPTS}`,
        met: max(col('attempts')) <= MAX_ATTEMPTS,
        detail: `${ci('attempts')} over ${runs.length} outages (64 before: the probe tried every twentieth of the outage)`,
      },
      {
        target: `largest gap between two attempts: ≥ ${MIN_LARGEST_GAP_MS} ms`,
        met: Math.min(...col('largestGap')) >= MIN_LARGEST_GAP_MS,
        detail: `${ci('largestGap')} ms; smallest over the outages ${fmt(Math.min(...col('largestGap')), 0)} ms (477 ms before)`,
      },
    ];
    return {
      method: [
        `A connection through the fault proxy (main/app/fault-proxy.ts) to a server of its own,`,
        `idle and connected, nobody waiting on it; the server is stopped for ${OUTAGE_MS / 1000} s`,
        '(the proxy keeps accepting, and resets each connection it cannot forward, as PgBouncer or',
        'an SSH tunnel would refuse it), and every connection the proxy accepts meanwhile is counted:',
        'each is a reconnect attempt. maxReconnectAttempts is 1000, so the backoff alone spaces',
        `them (DESIGN.md: 100 ms doubling to 10 s, full jitter). ${runs.length} outages, one after`,
        'another, each after the connection was back and settled.',
      ].join(' '),
      tables: [
        {
          caption: `Per outage (${OUTAGE_MS / 1000} s):`,
          columns: ['outage', 'attempts', 'in the first second', 'largest gap, ms'],
          rows: runs.map((r, i) => [i + 1, r.attempts, r.firstSecond, fmt(r.largestGap, 0)]),
        },
      ],
      verdicts,
      notes: [
        'With a query or a session waiting, the probe tries at once, one try in flight, the next ' +
          'as soon as one is refused (as the bare pool that the restart rows of sections 2 and 6 ' +
          'compare with): recovery is fast where someone waits, and backs off where nobody does.',
      ],
    };
  },
});
