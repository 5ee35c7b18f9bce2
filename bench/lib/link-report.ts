/** The tables, verdicts and prose of bench/link.ts, from its measurements. */
import { type KillRun, type LinkRun, pairedRatio } from './link.ts';
import { linkNotes } from './link-notes.ts';
import type { Table, Verdict } from './report.ts';
import { fmt, median, sum } from './stats.ts';

export const DELAY_MS = 25;
export const RTT = 2 * DELAY_MS;
export const RATIO_TARGET = 1.25;
export const OVERHEAD_TARGET = 1.03;
// No keepalive ping may fall into a measured window and add a round trip to it.
export const QUIET = { keepaliveIntervalSec: 3600 };
export const BLACKHOLE = { keepaliveIntervalSec: 1, connectTimeoutSec: 1 };
const BLACKHOLE_BOUND_MS = (BLACKHOLE.keepaliveIntervalSec + BLACKHOLE.connectTimeoutSec) * 1000;

const rtt = (ms: number) => fmt(ms / RTT, 1);
const ci = (r: { lo: number; hi: number }) => `${fmt(r.lo, 2)}–${fmt(r.hi, 2)}`;

export interface LinkMeasurements {
  connects: { mode: string; bare: LinkRun[]; service: LinkRun[] }[];
  kills: { service: KillRun[]; bare: KillRun[] };
  restarts: { service: number; bare: number; serviceFailed: number; bareFailed: number }[];
  overhead: {
    c: number;
    perRound: number;
    walls: Record<string, number[]>;
    /** Round trips the link counted for one round, per side. */
    turns: Record<string, number>;
  }[];
  blackholes: number[];
}

export function linkReport(r: LinkMeasurements) {
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
      detail: `${fmt(ours, 0)} ms = ${rtt(ours)} RTT (${m(service, 'connectTurns')} round trips counted, ${m(service, 'connections')} connections) against ${fmt(floor, 0)} ms = ${rtt(floor)} RTT (${m(bare, 'turns')} round trips) + 1 RTT${ours <= floor + RTT ? '' : `: over the target by ${fmt(over - 1, 1)} RTT`}`,
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
  for (const { c, perRound, walls, turns } of r.overhead) {
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
        `${turns.service} / ${turns[against]}`,
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

  const worst = Math.max(...r.blackholes);
  verdicts.push({
    target: `every blackhole on the ${DELAY_MS} ms link noticed within keepaliveIntervalSec + connectTimeoutSec = ${BLACKHOLE_BOUND_MS} ms`,
    met: worst <= BLACKHOLE_BOUND_MS,
    detail: `max ${fmt(worst, 0)} ms over ${r.blackholes.length} (median ${fmt(median(r.blackholes), 0)} ms)`,
  });

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
        'round trips per round (service / bare)',
        'target',
      ],
      rows: overheadRows,
    },
    {
      caption: `Blackhole behind the link (keepaliveIntervalSec ${BLACKHOLE.keepaliveIntervalSec}, connectTimeoutSec ${BLACKHOLE.connectTimeoutSec}; the proxy starts dropping bytes at a random moment of the keepalive cycle) → leaving \`connected\`, ms:`,
      columns: ['median', 'max', 'bound', 'every repetition'],
      rows: [
        [
          fmt(median(r.blackholes), 0),
          fmt(worst, 0),
          BLACKHOLE_BOUND_MS,
          r.blackholes.map((d) => fmt(d, 0)).join(', '),
        ],
      ],
    },
  ];
  return {
    method: [
      `Everything here crosses a latency link (test/harness/latency-link.ts): a TCP proxy that`,
      `delivers every chunk ${DELAY_MS} ms after it arrived, each way, in order, and holds a new`,
      `connection's first bytes for one RTT as the TCP handshake would. It counts round trips (a`,
      'message sent up and the answer that comes down for it, over every connection, connections',
      'whose messages travel together sharing theirs; a TCP handshake is one; test/harness/round-trips.ts)',
      'and names the protocol messages of each, so the tables give counted round',
      `trips beside the time divided by the RTT (${RTT} ms). The floor is a bare \`pg.Client\``,
      '(same client options, same TLS options) connecting and running `SELECT 1`. Bare and service',
      'runs alternate. The terminate and the restart use the server directly, not the link; the',
      'restart uses a server of its own behind a link of its own, and both sides query in a loop',
      `from the moment it is up again. keepaliveIntervalSec is 3600 so that no ping lands in a`,
      'measured window, except for the blackholes: there the link sits in front of the fault proxy',
      '(bench/blackhole.ts does the same on loopback).',
    ].join(' '),
    tables,
    verdicts,
    notes: linkNotes({
      rtt: RTT,
      connects: r.connects,
      kill: r.kills,
      overhead: r.overhead,
      verdicts,
    }),
  };
}
