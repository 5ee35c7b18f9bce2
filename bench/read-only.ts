import { createLatencyLink } from '../test/harness/latency-link.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import { DELAY_MS } from './lib/link-report.ts';
import type { Table, Verdict } from './lib/report.ts';
import { benchConfig, delay, gc, openService, progress } from './lib/setup.ts';
import { fmt, median, medianCI, pct, sum } from './lib/stats.ts';

const SQL = 'SELECT 1';
/**
 * The same statement off the fast lane: the lane takes only a text that begins with the keyword
 * SELECT, so in parentheses it is wrapped in BEGIN READ ONLY/COMMIT, as every statement but a
 * lone plain SELECT is (and every statement behind a pooler).
 */
const WRAPPED_SQL = '(SELECT 1)';
const TARGET = 1.1;

/** `total` queries, `concurrency` at a time; the wall time in ms. */
async function round(exec: () => Promise<unknown>, total: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await exec();
    }
  };
  gc();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - start;
}

export default defineBenchmark({
  name: 'read-only',
  title: '8. Read-only that no SQL can lift: its cost against the read-write path',
  async run({ quick }) {
    const server = await startPostgres();
    const link = await createLatencyLink({
      targetHost: server.host,
      targetPort: server.port,
      delayMs: DELAY_MS,
    });
    const { service, close } = await openService();
    try {
      // Round trips on the link: one statement each way, unpinned and in a session.
      const viaLink = { ...server, host: link.host, port: link.port };
      const tripRows: Table['rows'] = [];
      const trips: Record<string, number> = {};
      for (const readonly of [false, true]) {
        const side = readonly ? 'read-only' : 'read-write';
        const config = benchConfig(viaLink, `bench-ro-link-${side}`, { poolMax: 4, readonly });
        await service.connect(config, { password: server.password });
        await delay(8 * DELAY_MS); // the control client opens behind `connected`
        const count = async (where: string, opts?: { sessionId: string }) => {
          for (const [form, sql] of [
            ['', SQL],
            [', wrapped', WRAPPED_SQL],
          ] as const) {
            link.reset();
            await service.query(config.id, sql, [], opts);
            trips[`${side} ${where}${form}`] = link.turns();
          }
        };
        await count('unpinned');
        const { sessionId } = await service.openSession(config.id);
        await service.query(config.id, SQL); // the pool's next backend opens now, not counted
        await count('session', { sessionId });
        await service.closeSession(sessionId);
        await service.disconnect(config.id);
      }
      for (const where of ['unpinned', 'unpinned, wrapped', 'session', 'session, wrapped']) {
        tripRows.push([
          where,
          trips[`read-write ${where}`]!,
          trips[`read-only ${where}`]!,
          'equal',
        ]);
      }
      progress('round trips on the link');

      // Loopback: the same statement through a read-write and a read-only connection.
      const rw = benchConfig(server, 'bench-ro-rw', { poolMax: 10 });
      const ro = benchConfig(server, 'bench-ro-ro', { poolMax: 10, readonly: true });
      await service.connect(rw, { password: server.password });
      await service.connect(ro, { password: server.password });
      const sides = {
        'read-write': () => service.query(rw.id, SQL),
        'read-only': () => service.query(ro.id, SQL),
        'read-only, wrapped': () => service.query(ro.id, WRAPPED_SQL),
      };
      type Side = keyof typeof sides;
      const order = Object.keys(sides) as Side[];
      const ratioRows: Table['rows'] = [];
      const sideRows: Table['rows'] = [];
      const verdicts: Verdict[] = [
        {
          target: `a read-only statement costs the round trips of a read-write one on the ${DELAY_MS} ms link`,
          met: tripRows.every((r) => r[1] === r[2]),
          detail: tripRows.map((r) => `${r[0]}: ${r[2]} vs ${r[1]}`).join('; '),
        },
      ];
      for (const [c, perRound, pairs] of [
        [1, quick ? 200 : 500, quick ? 20 : 50],
        [10, quick ? 500 : 2000, quick ? 20 : 50],
      ] as const) {
        for (let i = 0; i < 3; i++) {
          for (const exec of Object.values(sides)) await round(exec, perRound, c);
        }
        const walls: Record<Side, number[]> = {
          'read-write': [],
          'read-only': [],
          'read-only, wrapped': [],
        };
        for (let i = 0; i < pairs; i++) {
          // Each side goes first, second and last equally often.
          const turn = [...order.slice(i % 3), ...order.slice(0, i % 3)];
          for (const side of turn) walls[side].push(await round(sides[side], perRound, c));
        }
        const ratiosOf = (side: Side) => walls[side].map((w, i) => w / walls['read-write'][i]!);
        const ratios = ratiosOf('read-only');
        const ratio = median(ratios);
        const [lo, hi] = medianCI(ratios);
        const wrapped = ratiosOf('read-only, wrapped');
        const [wlo, whi] = medianCI(wrapped);
        for (const side of order) {
          const wallUs = (sum(walls[side]) * 1000) / (pairs * perRound);
          sideRows.push([
            c,
            side,
            fmt(wallUs, 1),
            fmt((pairs * perRound) / (sum(walls[side]) / 1000), 0),
          ]);
        }
        ratioRows.push([
          c,
          'read-only',
          `${pairs} × ${perRound}`,
          `${fmt(ratio, 3)} (${pct(ratio)})`,
          `${fmt(lo, 3)} – ${fmt(hi, 3)}`,
          `≤ ${TARGET.toFixed(2)}`,
        ]);
        ratioRows.push([
          c,
          'read-only, wrapped',
          `${pairs} × ${perRound}`,
          `${fmt(median(wrapped), 3)} (${pct(median(wrapped))})`,
          `${fmt(wlo, 3)} – ${fmt(whi, 3)}`,
          '(no target)',
        ]);
        verdicts.push({
          target: `read-only \`${SQL}\` within ${Math.round((TARGET - 1) * 100)} % of read-write at concurrency ${c} (median wall-time ratio)`,
          met: ratio <= TARGET,
          detail: `${fmt(ratio, 3)} (${pct(ratio)}; 95 % CI ${fmt(lo, 3)}–${fmt(hi, 3)})`,
        });
        progress(`loopback at concurrency ${c}: ${fmt(ratio, 3)}`);
      }
      return {
        method: [
          `Round trips: one \`${SQL}\` (and one \`${WRAPPED_SQL}\`, wrapped on the read-only side)`,
          'through a read-write and a read-only connection (poolMax 4)',
          `over a latency link of ${DELAY_MS} ms each way, unpinned and in a session, counted by the`,
          'link (test/harness/round-trips.ts), not timed. Loopback: rounds of a fixed number of',
          `\`${SQL}\` through \`service.query\` on a read-write and on a read-only connection to the`,
          'same server (poolMax 10 each), `concurrency` at a time, in rounds of the three sides whose',
          'order rotates, after warm-up rounds, a full gc before each round. The third side sends',
          `\`${WRAPPED_SQL}\` on the read-only connection: the same statement kept off the fast lane,`,
          'so wrapped in BEGIN READ ONLY/COMMIT as every other statement is. The ratio is per round',
          '(read-only wall time / read-write wall time of the same round); its median comes with a',
          '95 % distribution-free interval.',
        ].join(' '),
        tables: [
          {
            caption: `Round trips of one statement on the ${DELAY_MS} ms link:`,
            columns: ['where', 'read-write', 'read-only', 'target'],
            rows: tripRows,
          },
          {
            caption: 'Per side (all rounds):',
            columns: ['concurrency', 'side', 'wall µs/query', 'queries/s'],
            rows: sideRows,
          },
          {
            caption: 'Read-only against read-write, per interleaved round:',
            columns: [
              'concurrency',
              'side',
              'rounds × queries',
              'median wall ratio',
              '95 % CI',
              'target',
            ],
            rows: ratioRows,
          },
        ],
        verdicts,
        notes: [
          [
            'What a read-only statement costs more: it travels as the extended protocol (Parse, Bind,',
            'Describe, Execute, Sync, in one write) so that the server takes it as exactly one',
            'statement; the read-write path sends one simple Query. On this direct connection a lone',
            'plain SELECT such as this `SELECT 1` takes the fast lane: no `BEGIN READ ONLY` and',
            '`COMMIT` around it, since its backend reported `default_transaction_read_only` on',
            '(main/sql/read-only.ts says why that cannot write); other statements, and every',
            'statement behind a pooler, still carry them in the same write and Sync. The round trips',
            'are the same; the difference is the server and client work for the extra messages,',
            'which on a loopback `SELECT 1` (no network time to hide it) is what the ratio shows; on',
            'a bare pg client the extended protocol alone, in one prebuilt write, costs about',
            '1.1x a simple Query here (1.2-1.3x as pg writes it, message by message).',
            'A statement that does real work, or any network between client and server, dilutes it.',
          ].join(' '),
        ],
      };
    } finally {
      await close();
      await link.close();
      await server.dispose();
    }
  },
});
