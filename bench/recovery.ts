import { SERVER_INFO_SQL, SHOW_SQL, VERIFY_SQL } from '../main/pg/settings.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import {
  firstQuery,
  type KillRun,
  killBare,
  killService,
  oneConnection,
  SQL,
  stepRecorder,
  terminateIdle,
  untilSuccess,
} from './lib/kill.ts';
import { pairedRatio } from './lib/link.ts';
import type { Table, Verdict } from './lib/report.ts';
import { barePool, benchConfig, openService, progress, statusClock } from './lib/setup.ts';
import { fmt, max, median, sum } from './lib/stats.ts';

/** What a session's first client sends to verify itself (client.ts, session.ts's piggyback). */
const FIRST_FLIGHT_SQL = `${VERIFY_SQL}; ${SHOW_SQL}; ${SERVER_INFO_SQL}`;

// Issue 12's target (it was 1.5× before): within a quarter of what a bare pool needs.
const RATIO_TARGET = 1.25;

interface Restart {
  down: number;
  connected: number;
  service: number;
  serviceFailed: number;
  bare: number;
  bareFailed: number;
}

const STEP_LABELS: [string, string][] = [
  ['noticed', 'kill → loss noticed'],
  ['connected.lost', 'connected.lost'],
  ['reconnecting.closing', 'reconnecting.closing (old sockets destroyed)'],
  ['reconnecting.waiting', 'reconnecting.waiting (attempt 1 goes at once)'],
  ['reconnecting.attempting.credentials', 'attempting.credentials'],
  [
    'reconnecting.attempting.opening',
    "attempting.opening (the pool's first client, verified; SHOW and server info in the same message)",
  ],
  ['reconnecting.attempting.session', 'attempting.session (SHOW, as the open read it)'],
  ['reconnecting.attempting.serverInfo', 'attempting.serverInfo (as the open read it)'],
  ['reconnecting.attempting.ready', 'attempting.ready → connected'],
];

function tally(failures: string[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].map(([f, n]) => `${n} × ${f}`).join('; ') || 'none';
}

export default defineBenchmark({
  name: 'recovery',
  title: '2. Recovery after terminated backends and a server restart',
  async run({ quick }) {
    const reps = quick ? 15 : 40;
    const restarts = quick ? 3 : 20;
    const server = await startPostgres();
    const own = await startPostgres();
    const steps = stepRecorder();
    const { service, close } = await openService({ inspect: steps.inspect });
    const clock = statusClock(service);
    const svcApp = 'bench-recovery-service';
    const bareApp = 'bench-recovery-bare';
    const config = benchConfig(server, svcApp);
    steps.watch(config.id);
    const pool = barePool(benchConfig(server, bareApp), server.password, 10);
    const ownConfig = benchConfig(own, 'bench-restart-service');
    const ownPool = barePool(benchConfig(own, 'bench-restart-bare'), own.password, 10);
    try {
      await service.connect(config, { password: server.password });
      await service.connect(ownConfig, { password: own.password });

      progress('warm-up');
      for (let i = 0; i < 2; i++) {
        await killService(server, service, clock, steps, config.id, svcApp);
        await killBare(server, pool, bareApp);
      }
      const runs = { service: [] as KillRun[], bare: [] as KillRun[] };
      const single: number[] = [];
      // What the service's recovery pays that the bare pool's does not, measured alone.
      const refs = {
        verify: [] as number[],
        select1: [] as number[],
        kill2: [] as number[],
        kill1: [] as number[],
      };
      for (let i = 0; i < reps; i++) {
        const order = i % 2 === 0 ? ['service', 'bare'] : ['bare', 'service'];
        for (const side of order) {
          if (side === 'service') {
            runs.service.push(await killService(server, service, clock, steps, config.id, svcApp));
          } else {
            runs.bare.push(await killBare(server, pool, bareApp));
          }
        }
        single.push(await oneConnection(server));
        refs.verify.push(await firstQuery(server, FIRST_FLIGHT_SQL));
        refs.select1.push(await firstQuery(server, SQL));
        refs.kill2.push(await terminateIdle(server, 2));
        refs.kill1.push(await terminateIdle(server, 1));
        if ((i + 1) % 5 === 0) progress(`terminate: ${i + 1}/${reps} repetitions`);
      }

      progress('server restarts');
      const restartRuns: Restart[] = [];
      for (let i = 0; i < restarts; i++) {
        await service.query(ownConfig.id, SQL);
        await ownPool.query(SQL);
        const t0 = performance.now();
        await own.stop();
        await own.start();
        const up = performance.now();
        const [svc, bare] = await Promise.all([
          untilSuccess(() => service.query(ownConfig.id, SQL)),
          untilSuccess(() => ownPool.query(SQL)),
        ]);
        const connected = await clock.first(ownConfig.id, 'connected', t0);
        restartRuns.push({
          down: up - t0,
          connected: connected - up,
          service: svc.at - up,
          serviceFailed: svc.failures.length,
          bare: bare.at - up,
          bareFailed: bare.failures.length,
        });
        progress(`restart ${i + 1}/${restarts}`);
      }
      const col = (k: keyof Restart) => restartRuns.map((r) => r[k]);
      const restartTable: Table = {
        caption: 'Server restart (stop, then start on the same port), ms:',
        columns: [
          'run',
          'stop + start',
          'up → service connected',
          'up → service query',
          'service failed',
          'up → bare query',
          'bare failed',
        ],
        rows: [
          ...restartRuns.map((r, i) => [
            i + 1,
            fmt(r.down, 0),
            fmt(r.connected, 0),
            fmt(r.service, 0),
            r.serviceFailed,
            fmt(r.bare, 0),
            r.bareFailed,
          ]),
          [
            '**median**',
            fmt(median(col('down')), 0),
            fmt(median(col('connected')), 0),
            fmt(median(col('service')), 0),
            sum(col('serviceFailed')),
            fmt(median(col('bare')), 0),
            sum(col('bareFailed')),
          ],
        ],
      };

      const m = (side: 'service' | 'bare', k: 'killMs' | 'queryMs') =>
        median(runs[side].map((r) => r[k]));
      // Per repetition: the service's kill and the bare pool's ran back to back (order alternating).
      const killRatio = pairedRatio(
        runs.service.map((r) => r.queryMs),
        runs.bare.map((r) => r.queryMs),
      );
      const ratio = killRatio.ratio;
      const failures = {
        service: runs.service.flatMap((r) => r.failures),
        bare: runs.bare.flatMap((r) => r.failures),
      };
      const row = (label: string, side: 'service' | 'bare') => {
        const r = runs[side];
        const connected = r.map((x) => x.connectedMs).filter((x): x is number => x !== null);
        return [
          label,
          fmt(m(side, 'killMs'), 1),
          connected.length ? fmt(median(connected), 1) : '—',
          fmt(m(side, 'queryMs'), 1),
          fmt(max(r.map((x) => x.queryMs)), 1),
          `${failures[side].length} in ${r.filter((x) => x.failures.length > 0).length} of ${r.length} runs`,
        ];
      };
      const stepRows = STEP_LABELS.map(([key, label]) => {
        const values = runs.service.map((r) => r.steps[key] ?? 0);
        return [label, fmt(median(values), 1), fmt(max(values), 1)];
      });
      const restartRatio = pairedRatio(col('service'), col('bare'));
      const verdicts: Verdict[] = [
        {
          target: `after pg_terminate_backend, service's median time to the first successful query ≤ ${RATIO_TARGET}× the bare pool's`,
          met: ratio <= RATIO_TARGET,
          detail: `${fmt(m('service', 'queryMs'), 1)} ms vs ${fmt(m('bare', 'queryMs'), 1)} ms: ${fmt(ratio, 2)}× (95 % CI ${fmt(killRatio.lo, 2)}–${fmt(killRatio.hi, 2)}, ${killRatio.n} pairs)`,
        },
        {
          target: `after a server restart, once it accepts again, service's median time to the first successful query ≤ ${RATIO_TARGET}× the bare pool's`,
          met: restartRatio.ratio <= RATIO_TARGET,
          detail: `${fmt(median(col('service')), 0)} ms vs ${fmt(median(col('bare')), 0)} ms: ${fmt(restartRatio.ratio, 2)}× (95 % CI ${fmt(restartRatio.lo, 2)}–${fmt(restartRatio.hi, 2)}, ${restartRatio.n} restarts)`,
        },
        {
          target: 'fewer failed queries than the bare pool',
          met: failures.service.length < failures.bare.length,
          detail: `${failures.service.length} failed for the service, ${failures.bare.length} for the bare pool, over ${reps} terminations each`,
        },
      ];
      return {
        method: [
          'The connection is idle and connected (the service: control client plus one pooled client;',
          'after a reconnect the control client opens behind `connected`, so no caller waits for it;',
          'the bare `pg.Pool`, max 10, same client options: one client). The clock starts, every backend',
          "with the side's application name is signalled with `pg_terminate_backend(pid)` (which returns",
          `once the signals are sent, not when the backends have exited), and at once \`${SQL}\` is`,
          'issued in a loop until one succeeds, so the first query may race a dying backend; every',
          'rejected query counts as failed. Service and bare pool alternate, one termination each per',
          'repetition, after two warm-up repetitions. "connected" is the service\'s status event; the',
          "service's steps are timed from its actor's microsteps (an `inspect` observer). For the",
          'restart, the service and a bare pool are connected to a server of their own, which is stopped',
          '(fast shutdown) and started again; the clock for the last columns starts when the server is',
          'up again, and both sides then query in a loop at once.',
        ].join(' '),
        tables: [
          {
            caption: `After pg_terminate_backend (medians over ${reps} repetitions, ms from sending the terminate):`,
            columns: [
              'side',
              'signals sent',
              'connected',
              'first successful query',
              'slowest first query',
              'failed queries',
            ],
            rows: [
              row('service', 'service'),
              row('bare pg.Pool', 'bare'),
              [
                'service / bare',
                '',
                '',
                `**${fmt(ratio, 2)}×** (median of the paired ratios; 95 % CI ${fmt(killRatio.lo, 2)}–${fmt(killRatio.hi, 2)}; target ≤ ${RATIO_TARGET}×)`,
                '',
                '',
              ],
            ],
          },
          {
            caption: "Where the service's recovery goes (ms, median and max over the repetitions):",
            columns: ['step', 'median', 'max'],
            rows: [
              ...stepRows,
              [
                '(reference) one new pg connection + `SELECT 1`, as the bare pool makes',
                fmt(median(single), 1),
                fmt(max(single), 1),
              ],
              [
                "(reference) the terminate itself: two idle backends (the service's control and pooled client) against one (the bare pool's)",
                `${fmt(median(refs.kill2), 1)} vs ${fmt(median(refs.kill1), 1)}`,
                `${fmt(max(refs.kill2), 1)} vs ${fmt(max(refs.kill1), 1)}`,
              ],
              [
                "(reference) a fresh backend's first query: the service's verify flight (verify, SHOW, server info) against `SELECT 1`",
                `${fmt(median(refs.verify), 2)} vs ${fmt(median(refs.select1), 2)}`,
                `${fmt(max(refs.verify), 2)} vs ${fmt(max(refs.select1), 2)}`,
              ],
            ],
          },
          {
            caption: 'What failed:',
            columns: ['side', 'errors surfaced to the caller'],
            rows: [
              ['service', tally(failures.service)],
              ['bare pg.Pool', tally(failures.bare)],
            ],
          },
          restartTable,
        ],
        verdicts,
        notes: recoveryNotes({
          ratio,
          opening: median(runs.service.map((r) => r.steps['reconnecting.attempting.opening'] ?? 0)),
          single: median(single),
          refs: {
            kill2: median(refs.kill2),
            kill1: median(refs.kill1),
            verify: median(refs.verify),
            select1: median(refs.select1),
          },
          down: median(restartRuns.map((x) => x.down)),
          signals: {
            service: median(runs.service.map((r) => r.killMs)),
            bare: median(runs.bare.map((r) => r.killMs)),
          },
          failures,
          firstOnly:
            runs.service.every((x) => x.failures.length <= 1) &&
            runs.bare.every((x) => x.failures.length <= 1),
          verdicts,
        }),
      };
    } finally {
      clock.stop();
      await pool.end();
      await ownPool.end();
      await close();
      await server.dispose();
      await own.dispose();
    }
  },
});

function recoveryNotes(r: {
  ratio: number;
  opening: number;
  single: number;
  refs: { kill2: number; kill1: number; verify: number; select1: number };
  down: number;
  signals: { service: number; bare: number };
  failures: { service: string[]; bare: string[] };
  firstOnly: boolean;
  verdicts: Verdict[];
}): string[] {
  const neverSent = r.failures.service.filter((f) => f.startsWith('NotConnected')).length;
  const notes: string[] = [
    [
      'After a restart the service does not wait for its backoff timer (100 ms, 200 ms, …, full',
      'jitter, doubling with each refused attempt) when a query waits: while it does, a readiness',
      'probe (main/pg/effects.ts) tries the same open at once, one try in flight, the next as soon',
      'as one is refused, and the try that succeeds is the session the next attempt takes. So the',
      'service is back one open after the server is, like the bare loop that retries at once. With',
      'nobody waiting there are no tries, only the backoff: an 8 s outage behind a proxy brings',
      'some 8 attempts (section 9), not the 64 of a probe that tried every twentieth of the outage.',
      ...(r.verdicts[1]?.met
        ? []
        : [
            `**Why the restart target is missed here**: the bare loop retries the moment its last`,
            'try fails, and so does the probe while the query waits (the outage, stop and start,',
            `took ${fmt(r.down, 0)} ms at the median); the open`,
            `it makes carries the verify flight, ${fmt(r.refs.verify, 2)} ms on a fresh backend against ${fmt(r.refs.select1, 2)} for`,
            '`SELECT 1`. Both sides race a server that has just come up, so the pairs spread widely',
            '(the interval).',
          ]),
    ].join(' '),
  ];
  if (!r.verdicts[0]?.met) {
    notes.push(
      [
        `**Why the time to the first query is missed** (${fmt(r.ratio, 2)}× against ${RATIO_TARGET}×),`,
        'in the order the time goes (medians; the reference rows above measure each part alone):',
        `(1) the terminate itself returns later, ${fmt(r.signals.service, 1)} ms against ${fmt(r.signals.bare, 1)}: the service has two`,
        'backends to signal, the control client and the pooled one, and two idle backends take',
        `${fmt(r.refs.kill2, 1)} ms to terminate against ${fmt(r.refs.kill1, 1)} for one, with the reconnect already starting beside`,
        "it; (2) the reconnect's open, the pool's first client, took",
        `${fmt(r.opening, 1)} ms against ${fmt(r.single, 1)} for one new connection and \`SELECT 1\`: its first query is the`,
        `verify flight (verify, SHOW, server info), ${fmt(r.refs.verify, 2)} ms on a fresh backend against ${fmt(r.refs.select1, 2)} for \`SELECT 1\``,
        '(a new backend loads the catalog entries each function needs), and the 2-core machine',
        "also runs the old backends' exit; (3) noticing the loss and closing the old session, about",
        'a millisecond together (the steps above). Each is the price of a guarantee: the control',
        "client keeps the keepalive off the queries' way, the verify flight proves read-only and",
        'the timeout on the very backend before any query runs on it, and the old session is gone',
        'before the new one opens. On the link, where round trips are what costs, the same path is',
        'within its target (bench/link.ts).',
      ].join(' '),
    );
  }
  notes.push(
    [
      r.verdicts[2]?.met
        ? `**About the failed queries** (${r.failures.service.length} for the service, ${r.failures.bare.length} for the bare pool; met here by chance, see the end):`
        : `**Why there are not fewer failed queries** (${r.failures.service.length} against ${r.failures.bare.length}):`,
      r.firstOnly
        ? 'on both sides only the first query after a kill ever failed: it was written to a backend'
        : 'the failures are queries written to a backend',
      'that had already been told to terminate, before the client had read the FATAL message or',
      'the close waiting on its socket (the table above). The service reports those as',
      'ConnectionLost and does not retry them: the query was sent and, for all the client can',
      'tell, may have run (DESIGN.md). What it does retry, a query that found the session already',
      'lost or closed before anything was sent (NotConnected), reached the caller',
      `${neverSent === 0 ? 'not once' : `${neverSent} times`}. Which side loses the race more`,
      'often is chance: earlier full runs on 2026-11-26 counted 16 and 16, 19 and 17, 14 and 21, 18 and 14.',
    ].join(' '),
  );
  return notes;
}
