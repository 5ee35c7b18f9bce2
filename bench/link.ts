import { createLatencyLink } from '../test/harness/latency-link.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { makeTlsFixtures } from '../test/harness/tls.ts';
import { defineBenchmark } from './lib/bench.ts';
import { SQL, terminate, untilGone, untilSuccess } from './lib/kill.ts';
import {
  bareConnect,
  type LinkRun,
  pairedRatio,
  queryRound,
  serviceConnect,
  timedOnLink,
} from './lib/link.ts';
import { linkNotes } from './lib/link-notes.ts';
import type { Table, Verdict } from './lib/report.ts';
import { barePool, benchConfig, delay, openService, progress } from './lib/setup.ts';
import { fmt, median, sum } from './lib/stats.ts';

const DELAY_MS = 25;
const RTT = 2 * DELAY_MS;
const RATIO_TARGET = 1.25;
const OVERHEAD_TARGET = 1.03;
// No keepalive ping may fall into a measured window and add a round trip to it.
const QUIET = { keepaliveIntervalSec: 3600 };

type KillRun = LinkRun & { failures: string[] };

const rtt = (ms: number) => fmt(ms / RTT, 1);
const ci = (r: { lo: number; hi: number }) => `${fmt(r.lo, 2)}–${fmt(r.hi, 2)}`;

export default defineBenchmark({
  name: 'link',
  title: `6. Round trips on a ${DELAY_MS} ms link: connect, recovery and queries against the floor`,
  async run({ quick }) {
    const tls = await makeTlsFixtures();
    const server = await startPostgres({ ssl: { certFile: tls.certFile, keyFile: tls.keyFile } });
    const own = await startPostgres();
    const link = await createLatencyLink({
      targetHost: server.host,
      targetPort: server.port,
      delayMs: DELAY_MS,
    });
    const ownLink = await createLatencyLink({
      targetHost: own.host,
      targetPort: own.port,
      delayMs: DELAY_MS,
    });
    const viaLink = { ...server, host: link.host, port: link.port };
    const viaOwnLink = { ...own, host: ownLink.host, port: ownLink.port };
    const tlsPatch = { sslMode: 'verify-full' as const, sslCaCert: tls.caFile };
    const { service, close } = await openService();
    const pool = barePool(benchConfig(viaLink, 'bench-link-bare-pool', QUIET), server.password, 10);
    const pool9 = barePool(benchConfig(viaLink, 'bench-link-bare9', QUIET), server.password, 9);
    const ownPool = barePool(benchConfig(viaOwnLink, 'bench-link-restart-bare'), own.password);
    try {
      // Connect: the floor (a bare pg.Client + one query) and connect() side by side.
      const modes = [
        { mode: 'plain TCP', patch: {} },
        { mode: 'TLS (verify-full)', patch: tlsPatch },
      ];
      const connects: { mode: string; bare: LinkRun[]; service: LinkRun[] }[] = [];
      for (const { mode, patch } of modes) {
        const bareCfg = benchConfig(viaLink, 'bench-link-bare', QUIET, patch);
        const svcCfg = benchConfig(viaLink, 'bench-link-service', QUIET, patch);
        const reps = quick ? 4 : 10;
        const runs = { mode, bare: [] as LinkRun[], service: [] as LinkRun[] };
        for (let i = -1; i < reps; i++) {
          const order = i % 2 === 0 ? ['bare', 'service'] : ['service', 'bare'];
          for (const side of order) {
            const run =
              side === 'bare'
                ? await bareConnect(link, bareCfg, server.password)
                : await serviceConnect(link, service, svcCfg, server.password);
            if (i >= 0) runs[side as 'bare' | 'service'].push(run);
          }
        }
        connects.push(runs);
        progress(`connect, ${mode}: ${reps} each`);
      }

      // The first successful query after pg_terminate_backend.
      const svcCfg = benchConfig(viaLink, 'bench-link-kill-service', QUIET);
      await service.connect(svcCfg, { password: server.password });
      const kills = { service: [] as KillRun[], bare: [] as KillRun[] };
      const killReps = quick ? 5 : 12;
      for (let i = -1; i < killReps; i++) {
        const order = i % 2 === 0 ? ['bare', 'service'] : ['service', 'bare'];
        for (const side of order) {
          const app = side === 'bare' ? 'bench-link-bare-pool' : 'bench-link-kill-service';
          const exec =
            side === 'bare' ? () => pool.query(SQL) : () => service.query(svcCfg.id, SQL);
          await exec();
          await delay(50);
          let pids: number[] = [];
          const run = await timedOnLink(
            link,
            async () => {
              pids = await terminate(server, app);
            },
            () => untilSuccess(exec),
          );
          await untilGone(server, pids);
          if (i >= 0) kills[side as 'bare' | 'service'].push(run);
        }
      }
      progress(`terminate: ${killReps} each`);

      // Reconnect after a server restart, from the moment it accepts again.
      const ownCfg = benchConfig(viaOwnLink, 'bench-link-restart-service');
      await service.connect(ownCfg, { password: own.password });
      const restarts: {
        service: number;
        bare: number;
        serviceFailed: number;
        bareFailed: number;
      }[] = [];
      for (let i = 0; i < (quick ? 3 : 6); i++) {
        await service.query(ownCfg.id, SQL);
        await ownPool.query(SQL);
        await own.stop();
        await own.start();
        const up = performance.now();
        const [svc, bare] = await Promise.all([
          untilSuccess(() => service.query(ownCfg.id, SQL)),
          untilSuccess(() => ownPool.query(SQL)),
        ]);
        restarts.push({
          service: svc.at - up,
          bare: bare.at - up,
          serviceFailed: svc.failures.length,
          bareFailed: bare.failures.length,
        });
      }
      progress(`restart: ${restarts.length}`);

      // Query overhead on the link, concurrency 1 and 10.
      const sides = {
        service: () => service.query(svcCfg.id, SQL),
        bare: () => pool.query(SQL),
        bare9: () => pool9.query(SQL),
      };
      const overhead: { c: number; perRound: number; walls: Record<string, number[]> }[] = [];
      for (const [c, perRound, pairs] of [
        [1, 10, quick ? 4 : 10],
        [10, 90, quick ? 3 : 8],
      ] as const) {
        const walls: Record<string, number[]> = { service: [], bare: [], bare9: [] };
        const names = Object.keys(walls) as (keyof typeof sides)[];
        for (const side of names) await queryRound(sides[side], 20, 10);
        for (let i = 0; i < pairs; i++) {
          const order = i % 2 === 0 ? names : [...names].reverse();
          for (const side of order) walls[side]!.push(await queryRound(sides[side], perRound, c));
        }
        overhead.push({ c, perRound, walls });
      }
      progress('query overhead on the link');

      return report({ connects, kills, restarts, overhead, quick });
    } finally {
      await pool.end();
      await pool9.end();
      await ownPool.end();
      await close();
      await link.close();
      await ownLink.close();
      await server.dispose();
      await own.dispose();
      await tls.dispose();
    }
  },
});

function report(r: {
  connects: { mode: string; bare: LinkRun[]; service: LinkRun[] }[];
  kills: { service: KillRun[]; bare: KillRun[] };
  restarts: { service: number; bare: number; serviceFailed: number; bareFailed: number }[];
  overhead: { c: number; perRound: number; walls: Record<string, number[]> }[];
  quick: boolean;
}) {
  const m = (runs: LinkRun[], k: 'ms' | 'connectMs' | 'turns' | 'connectTurns' | 'connections') =>
    median(runs.map((x) => x[k] ?? Number.NaN));
  const verdicts: Verdict[] = [];
  const connectRows: Table['rows'] = [];
  for (const { mode, bare, service } of r.connects) {
    const floor = m(bare, 'ms');
    const ours = m(service, 'connectMs');
    connectRows.push(
      [
        mode,
        'bare pg.Client: connect',
        fmt(m(bare, 'connectMs'), 0),
        rtt(m(bare, 'connectMs')),
        m(bare, 'connectTurns'),
        m(bare, 'connections'),
      ],
      [
        mode,
        'bare pg.Client: connect + SELECT 1 (the floor)',
        fmt(floor, 0),
        rtt(floor),
        m(bare, 'turns'),
        m(bare, 'connections'),
      ],
      [
        mode,
        'service: connect() to connected',
        fmt(ours, 0),
        rtt(ours),
        m(service, 'connectTurns'),
        m(service, 'connections'),
      ],
      [
        mode,
        'service: connect() + first query',
        fmt(m(service, 'ms'), 0),
        rtt(m(service, 'ms')),
        m(service, 'turns'),
        m(service, 'connections'),
      ],
    );
    const over = (ours - floor) / RTT;
    verdicts.push({
      target: `connect() to connected over a ${DELAY_MS} ms one-way link, ${mode}: ≤ the bare client's connect + one query, plus 1 RTT`,
      met: ours <= floor + RTT,
      detail: `${fmt(ours, 0)} ms = ${rtt(ours)} RTT (${m(service, 'connectTurns')} round trips counted, ${m(service, 'connections')} connections) against ${fmt(floor, 0)} ms = ${rtt(floor)} RTT (${m(bare, 'turns')} round trips) + 1 RTT${ours <= floor + RTT ? '' : `: over by ${fmt(over - 1, 1)} RTT`}`,
    });
  }

  const kill = pairedRatio(
    r.kills.service.map((x) => x.ms),
    r.kills.bare.map((x) => x.ms),
  );
  const killRow = (label: string, runs: KillRun[]) => [
    label,
    fmt(m(runs, 'ms'), 0),
    rtt(m(runs, 'ms')),
    m(runs, 'turns'),
    m(runs, 'connections'),
    sum(runs.map((x) => x.failures.length)),
  ];
  verdicts.push({
    target: `first successful query after pg_terminate_backend on the ${DELAY_MS} ms link ≤ ${RATIO_TARGET}× the bare pool's`,
    met: kill.ratio <= RATIO_TARGET,
    detail: `${fmt(m(r.kills.service, 'ms'), 0)} ms vs ${fmt(m(r.kills.bare, 'ms'), 0)} ms: ${fmt(kill.ratio, 2)}× (95 % CI ${ci(kill)}); ${m(r.kills.service, 'turns')} round trips counted against ${m(r.kills.bare, 'turns')}`,
  });

  const restart = pairedRatio(
    r.restarts.map((x) => x.service),
    r.restarts.map((x) => x.bare),
  );
  verdicts.push({
    target: `reconnect after a server restart on the ${DELAY_MS} ms link, once the server accepts again: ≤ ${RATIO_TARGET}× the bare pool's`,
    met: restart.ratio <= RATIO_TARGET,
    detail: `${fmt(median(r.restarts.map((x) => x.service)), 0)} ms vs ${fmt(median(r.restarts.map((x) => x.bare)), 0)} ms: ${fmt(restart.ratio, 2)}× (95 % CI ${ci(restart)}, ${restart.n} restarts)`,
  });

  const overheadRows: Table['rows'] = [];
  for (const { c, perRound, walls } of r.overhead) {
    for (const against of ['bare', 'bare9'] as const) {
      const ratio = pairedRatio(walls.service!, walls[against]!);
      overheadRows.push([
        c,
        against === 'bare' ? 'service / bare pg.Pool (max 10)' : 'service / bare pg.Pool (max 9)',
        `${walls.service!.length} × ${perRound}`,
        fmt((median(walls.service!) / perRound) * c, 1),
        fmt((median(walls[against]!) / perRound) * c, 1),
        fmt(ratio.ratio, 3),
        ci(ratio),
        against === 'bare' ? `≤ ${OVERHEAD_TARGET}` : '(comparison)',
      ]);
      if (against === 'bare') {
        verdicts.push({
          target: `query overhead on the ${DELAY_MS} ms link, concurrency ${c}: ≤ ${OVERHEAD_TARGET}× a bare pool`,
          met: ratio.ratio <= OVERHEAD_TARGET,
          detail: `${fmt(ratio.ratio, 3)} (95 % CI ${ci(ratio)})`,
        });
      }
    }
  }

  const tables: Table[] = [
    {
      caption: `Connect on the link (${DELAY_MS} ms each way, RTT ${RTT} ms; medians over ${r.connects[0]!.bare.length} runs per side, interleaved):`,
      columns: ['transport', 'what', 'ms', 'RTT', 'round trips counted', 'connections opened'],
      rows: connectRows,
    },
    {
      caption: `First successful query after pg_terminate_backend, from sending the terminate (medians over ${r.kills.service.length} runs per side):`,
      columns: [
        'side',
        'ms',
        'RTT',
        'round trips counted',
        'connections opened',
        'failed queries (all runs)',
      ],
      rows: [
        killRow('service', r.kills.service),
        killRow('bare pg.Pool (max 10)', r.kills.bare),
        ['service / bare', `**${fmt(kill.ratio, 2)}×**`, `95 % CI ${ci(kill)}`, '', '', ''],
      ],
    },
    {
      caption: 'Server restart behind the link: from the moment the server accepts again, ms:',
      columns: [
        'run',
        'service first query',
        'RTT',
        'service failed',
        'bare pool first query',
        'RTT',
        'bare failed',
      ],
      rows: r.restarts.map((x, i) => [
        i + 1,
        fmt(x.service, 0),
        rtt(x.service),
        x.serviceFailed,
        fmt(x.bare, 0),
        rtt(x.bare),
        x.bareFailed,
      ]),
    },
    {
      caption:
        'Query overhead on the link (`SELECT 1`; ms per query per worker, per-pair wall-time ratio):',
      columns: [
        'concurrency',
        'ratio',
        'rounds × queries',
        'service ms',
        'bare ms',
        'median ratio',
        '95 % CI',
        'target',
      ],
      rows: overheadRows,
    },
  ];
  return {
    method: [
      `Everything here crosses a latency link (test/harness/latency-link.ts): a TCP proxy that`,
      `delivers every chunk ${DELAY_MS} ms after it arrived, each way, in order, and holds a new`,
      `connection's first bytes for one RTT as the TCP handshake would. It counts round trips (a`,
      'turn from client → server traffic to server → client traffic, over every connection; a TCP',
      'handshake is one) and names the protocol messages of each, so the tables give counted round',
      `trips beside the time divided by the RTT (${RTT} ms). The floor is a bare \`pg.Client\``,
      '(same client options, same TLS options) connecting and running `SELECT 1`. Bare and service',
      'runs alternate. The terminate and the restart use the server directly, not the link; the',
      'restart uses a server of its own behind a link of its own, and both sides query in a loop',
      `from the moment it is up again. keepaliveIntervalSec is 3600 so that no ping lands in a`,
      'measured window.',
    ].join(' '),
    tables,
    verdicts,
    notes: linkNotes({
      rtt: RTT,
      connects: r.connects,
      kill: r.kills,
      verdicts,
    }),
  };
}
