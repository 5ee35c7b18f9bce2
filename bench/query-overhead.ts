import type pg from 'pg';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import {
  areasTable,
  mergeSelfTimes,
  profile,
  type SelfTime,
  topFunctionsTable,
} from './lib/profile.ts';
import type { Table, Verdict } from './lib/report.ts';
import { barePool, benchConfig, gc, openService, progress } from './lib/setup.ts';
import { fmt, median, medianCI, pct, percentile, sum } from './lib/stats.ts';

const SQL = 'SELECT 1';
type Side = 'service' | 'bare' | 'bare9';
const LABELS: Record<Side, string> = {
  service: 'service.query',
  bare: 'bare pg.Pool (max 10)',
  bare9: 'bare pg.Pool (max 9)',
};
const TARGET = 1.03;

interface Round {
  wallMs: number;
  cpuUs: number;
  latencies: Float64Array;
}

/** `total` queries, `concurrency` at a time; every query's latency, the wall and CPU time. */
async function round(
  exec: () => Promise<unknown>,
  total: number,
  concurrency: number,
  collect = true,
) {
  const latencies = new Float64Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      await exec();
      latencies[i] = performance.now() - start;
    }
  };
  if (collect) gc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuUs: used.user + used.system, latencies } satisfies Round;
}

function summary(rounds: Round[]) {
  const queries = sum(rounds.map((r) => r.latencies.length));
  const all = new Float64Array(queries);
  let at = 0;
  for (const r of rounds) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  const wall = sum(rounds.map((r) => r.wallMs));
  return {
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    throughput: (queries / wall) * 1000,
    wallUs: (wall * 1000) / queries,
    cpuUs: sum(rounds.map((r) => r.cpuUs)) / queries,
  };
}

export default defineBenchmark({
  name: 'query-overhead',
  title: '1. Query overhead: service.query against a bare pg.Pool',
  async run({ quick }) {
    const server = await startPostgres();
    const { service, close } = await openService();
    const config = benchConfig(server, 'bench-overhead-service', { poolMax: 10 });
    const pool = barePool(
      benchConfig(server, 'bench-overhead-bare', { poolMax: 10 }),
      server.password,
      10,
    );
    // For comparison only: as many clients for queries as the service has (poolMax - 1).
    const pool9 = barePool(benchConfig(server, 'bench-overhead-bare9'), server.password, 9);
    try {
      await service.connect(config, { password: server.password });
      const sides: Record<Side, () => Promise<unknown>> = {
        service: () => service.query(config.id, SQL),
        bare: () => pool.query(SQL),
        bare9: () => pool9.query(SQL),
      };
      const [a, b] = [await sides.service(), await sides.bare()] as pg.QueryResult[];
      if (a?.rows[0]?.['?column?'] !== 1 || b?.rows[0]?.['?column?'] !== 1) {
        throw new Error('SELECT 1 did not answer 1');
      }

      const plans: { concurrency: number; perRound: number; pairs: number; sides: Side[] }[] = [
        {
          concurrency: 1,
          perRound: quick ? 200 : 500,
          pairs: quick ? 30 : 60,
          sides: ['service', 'bare'],
        },
        {
          concurrency: 10,
          perRound: quick ? 500 : 2000,
          pairs: quick ? 30 : 60,
          sides: ['service', 'bare', 'bare9'],
        },
      ];
      const sideRows: Table['rows'] = [];
      const ratioRows: Table['rows'] = [];
      const verdicts: Verdict[] = [];
      let versusNine: { wall: number; lo: number; hi: number; versusTen: number } | undefined;
      let versusTen = Number.NaN;
      for (const plan of plans) {
        const { concurrency: c, perRound } = plan;
        progress(`concurrency ${c}: warm-up`);
        for (let i = 0; i < 5; i++) {
          for (const side of plan.sides) await round(sides[side], perRound, c);
        }
        const rounds = Object.fromEntries(
          plan.sides.map((side) => [side, [] as Round[]]),
        ) as Partial<Record<Side, Round[]>>;
        for (let i = 0; i < plan.pairs; i++) {
          // Each side goes first as often as last: rotate the order, and reverse it every other time.
          const k = i % plan.sides.length;
          const order = [...plan.sides.slice(k), ...plan.sides.slice(0, k)];
          if (i % 2 === 1) order.reverse();
          for (const side of order) rounds[side]!.push(await round(sides[side], perRound, c));
          if ((i + 1) % 10 === 0) progress(`concurrency ${c}: ${i + 1}/${plan.pairs} pairs`);
        }
        for (const side of plan.sides) {
          const s = summary(rounds[side]!);
          sideRows.push([
            c,
            LABELS[side],
            fmt(s.p50 * 1000, 0),
            fmt(s.p99 * 1000, 0),
            fmt(s.throughput, 0),
            fmt(s.wallUs, 1),
            fmt(s.cpuUs, 1),
          ]);
        }
        for (const against of plan.sides.filter((side) => side !== 'service')) {
          const base = rounds[against]!;
          const wallRatios = rounds.service!.map((s, i) => s.wallMs / base[i]!.wallMs);
          const cpuRatios = rounds.service!.map((s, i) => s.cpuUs / base[i]!.cpuUs);
          const wall = median(wallRatios);
          const [wallLo, wallHi] = medianCI(wallRatios);
          const cpu = median(cpuRatios);
          const [cpuLo, cpuHi] = medianCI(cpuRatios);
          ratioRows.push([
            c,
            `service / ${LABELS[against]}`,
            `${plan.pairs} × ${perRound}`,
            `${fmt(wall, 3)} (${pct(wall)})`,
            `${fmt(wallLo, 3)} – ${fmt(wallHi, 3)}`,
            `${fmt(cpu, 3)} (${pct(cpu)})`,
            `${fmt(cpuLo, 3)} – ${fmt(cpuHi, 3)}`,
            against === 'bare' ? `≤ ${TARGET.toFixed(2)}` : '(comparison)',
          ]);
          if (against !== 'bare') {
            versusNine = { wall, lo: wallLo, hi: wallHi, versusTen };
            continue;
          }
          if (c === 10) versusTen = wall;
          verdicts.push({
            target: `service within 3 % of a bare pool at concurrency ${c} (median wall-time ratio)`,
            met: wall <= TARGET,
            detail: `${fmt(wall, 3)} (${pct(wall)}; 95 % CI ${fmt(wallLo, 3)}–${fmt(wallHi, 3)}); CPU per query ${pct(cpu)}`,
          });
        }
      }

      // Profiled in short segments, the sides alternating, so that a noisy stretch of the shared
      // machine does not land on one side only.
      progress('profiling both sides');
      const profiled: { c: number; side: string; times: SelfTime[]; queries: number }[] = [];
      for (const c of [1, 10]) {
        const segments = 8;
        const perSegment = c === 1 ? 600 : 1500;
        const parts: Record<'service' | 'bare', SelfTime[][]> = { service: [], bare: [] };
        for (let i = 0; i < segments; i++) {
          for (const side of i % 2 === 0
            ? (['service', 'bare'] as const)
            : (['bare', 'service'] as const)) {
            gc();
            parts[side].push(
              await profile(() => round(sides[side], perSegment, c, false).then(() => {})),
            );
          }
        }
        for (const side of ['service', 'bare'] as const) {
          profiled.push({
            c,
            side,
            times: mergeSelfTimes(parts[side]),
            queries: segments * perSegment,
          });
        }
      }
      const at = (c: number, side: string) => profiled.find((p) => p.c === c && p.side === side)!;
      const areaTables = [1, 10].map((c) =>
        areasTable(
          [
            { label: 'service', times: at(c, 'service').times, queries: at(c, 'service').queries },
            { label: 'bare', times: at(c, 'bare').times, queries: at(c, 'bare').queries },
          ],
          `Client CPU by area at concurrency ${c} (V8 sampling profiler, 100 µs; self time per query):`,
        ),
      );

      return {
        method: [
          `Each round runs a fixed number of \`${SQL}\` queries through one side, \`concurrency\``,
          'at a time: `service.query(id, sql)` (poolMax 10: a control client plus a pool of 9)',
          'or `pool.query(sql)` on a bare `pg.Pool` (max 10) with the same client options',
          '(startup options, TCP keepalive), against the same server. Rounds come in pairs, the',
          'order alternating (service then bare, bare then service), after warm-up rounds; a',
          'full gc runs before each round. At concurrency 10 a bare pool of max 9 (the service',
          "queries on 9 clients) takes part too, for comparison, and the three sides' order rotates.",
          'The ratio is per pair (service wall time / bare wall',
          'time for the same number of queries); its median comes with a 95 % distribution-free',
          'confidence interval (order statistics). CPU is the whole client process',
          '(`process.cpuUsage()` delta) divided by the queries of the round.',
        ].join(' '),
        tables: [
          {
            caption: 'Per side (all rounds pooled):',
            columns: [
              'concurrency',
              'side',
              'p50 µs',
              'p99 µs',
              'queries/s',
              'wall µs/query',
              'CPU µs/query',
            ],
            rows: sideRows,
          },
          {
            caption: 'Service against each bare pool, per interleaved pair of rounds:',
            columns: [
              'concurrency',
              'ratio',
              'rounds × queries',
              'median wall ratio',
              '95 % CI',
              'median CPU ratio',
              '95 % CI',
              'target',
            ],
            rows: ratioRows,
          },
          ...areaTables,
          // The concurrencies that missed (or 1 if none did): where their time goes.
          ...[1, 10]
            .filter((c, _, all) =>
              verdicts.some((v) => !v.met)
                ? verdicts.some((v) => !v.met && v.target.includes(`concurrency ${c} `))
                : c === all[0],
            )
            .map((c) =>
              topFunctionsTable(
                at(c, 'service').times,
                `Service side at concurrency ${c}, top functions by self time:`,
              ),
            ),
        ],
        verdicts,
        notes: overheadNotes(verdicts, profiled, versusNine),
      };
    } finally {
      await pool.end();
      await pool9.end();
      await close();
      await server.dispose();
    }
  },
});

const OURS = new Set(['main', 'main/pg', 'machines', 'xstate', 'zod']);

/** Where the remaining overhead is, from the profiles; why a miss is a miss. */
function overheadNotes(
  verdicts: Verdict[],
  profiled: { c: number; side: string; times: SelfTime[]; queries: number }[],
  versusNine: { wall: number; lo: number; hi: number; versusTen: number } | undefined,
): string[] {
  const busyUs = (c: number, side: string, keep: (area: string) => boolean) => {
    const p = profiled.find((x) => x.c === c && x.side === side)!;
    const ms = p.times.filter((t) => keep(t.area)).reduce((a, t) => a + t.ms, 0);
    return (ms * 1000) / p.queries;
  };
  const notIdle = (area: string) => area !== '(idle)' && area !== '(profiler)';
  const ours = [1, 10].map((c) => {
    const own = busyUs(c, 'service', (a) => OURS.has(a));
    const total = busyUs(c, 'service', notIdle);
    return `${fmt(own, 1)} µs of ${fmt(total, 0)} µs of client CPU per query at concurrency ${c}`;
  });
  const missed = verdicts.filter((v) => !v.met);
  return [
    ...(missed.length > 0
      ? [
          `**Why it is missed** (${missed.map((v) => v.target.replace(/.*concurrency (\d+).*/, 'concurrency $1')).join(', ')}): the median is over the 3 % line, with the confidence interval shown above; on this shared 2-core machine (client, server and other jobs on the same cores) a few percent is also within the run-to-run spread.`,
        ]
      : []),
    [
      `What is left of the overhead: our own code (service.ts, main/pg, xstate, zod) takes ${ours.join(', and ')}`,
      '(profile tables above, sampled under the profiler, so inflated alike on both sides). Per query',
      'the service checks its arguments with typeof, looks the actor up by a key made once, asks its',
      '`usable` tag, and then runQuery waits for a pooled client through a small object subscribed to',
      "the session's stop, sends with pg's callback form and builds the plain result view: four",
      "promises (service.query, runQuery, acquire, send) where pg-pool's `pool.query` uses one. pg-pool",
      "in turn spends less in its own code on the service's path (connect + release) than `pool.query`",
      '(which adds an error listener per query). At concurrency 10 the service queries on 9 pooled',
      'clients (poolMax 10 = the control client + 9), the bare pool on 10, so one of ten queries',
      'waits for a client. Against a bare pool of 9 the median wall ratio was',
      versusNine
        ? `${fmt(versusNine.wall, 3)} (95 % CI ${fmt(versusNine.lo, 3)}–${fmt(versusNine.hi, 3)})${
            versusNine.wall >= versusNine.versusTen
              ? ': on two cores fewer connections are no slower, so the missing tenth client does not explain the gap.'
              : ': part of the gap is the missing tenth client.'
          }`
        : 'not measured.',
      'TypeScript runs through tsx here, whose keepNames turns every named closure into a',
      '`defineProperty` call; the hot path no longer makes any.',
    ].join(' '),
    [
      'Optimised on 2026-11-26, each commit measured on its own (see its message): argument checks',
      "with typeof before zod (3957923); a Set instead of AbortSignal listeners and pg-pool's callback",
      'form in acquire (edd1da0); text and values instead of a config object pg clones (d21defc); no',
      'named closures per query (954f4e2); no async frame for the first acquire and one promise per',
      'query (f55619c); the actor key made once and the `usable` tag (04cad29). Before them a quick',
      'run of this benchmark measured the service at +23 % (concurrency 1) and +25 % (concurrency 10)',
      'wall time and +30 % / +34 % CPU per query; after the first three, a full run +11 % / +12 %.',
      'Earlier full runs after the last one gave +3.6 %, +1.1 %, +3.2 %, +4.7 % and +1.0 % at',
      'concurrency 1 and +0.6 %, +5.6 %, +6.3 %, +4.7 % and +7.4 % at concurrency 10: the remaining',
      'overhead is of the order of the target, and which side of the line a run lands on varies',
      'with the machine.',
    ].join(' '),
  ];
}
