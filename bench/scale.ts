import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionConfig } from '../machines/config.ts';
import { type ConnectionActorRef, connectionActorId } from '../machines/manager.machine.ts';
import { createMemoryCredentialStore } from '../main/credentials/index.ts';
import { type ConnectionService, createConnectionService } from '../main/service.ts';
import { openStore, STORE_FILE_NAME } from '../main/storage/index.ts';
import { serialiseStore } from '../main/storage/store-file.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { defineBenchmark } from './lib/bench.ts';
import { profile, type SelfTime, topFunctionsTable } from './lib/profile.ts';
import type { Verdict } from './lib/report.ts';
import { benchConfig, delay, gc, openService, progress } from './lib/setup.ts';
import { fmt, median } from './lib/stats.ts';

const SPAWN_COUNT = 1_000;
const SPAWN_TARGET_MS = 200;
const HEAP_TARGET_KB = 20;
const CLOSE_TARGET_MS = 100;
const BIG_COUNT = 10_000;
const BIG_SPAWN_TARGET_MS = 1_000;
const BIG_CLOSE_TARGET_MS = 1_000;
const BIG_HEAP_TARGET_KB = 10;
const LIVE_COUNT = 100;

const facts = {
  host: '127.0.0.1' as const,
  port: 5432,
  user: 'tusk',
  database: 'tusk',
  password: '',
};
const configs = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => benchConfig(facts, `${prefix}-${i}`));

/** A data directory whose connections.json holds `n` valid saved connections. */
async function savedConnections(n: number) {
  const root = await mkdtemp(join(tmpdir(), 'tusk-bench-scale-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const saved = configs(n, 'bench-saved');
  const file = serialiseStore({ connections: saved, groups: [] });
  await writeFile(join(dataDir, STORE_FILE_NAME), file);
  return { dataDir, saved, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Time from createConnectionService() to every saved connection having its actor; `during` runs
 * around that part only (the profiler). Also times the close() that follows.
 */
async function spawnOnce(
  dataDir: string,
  saved: ConnectionConfig[],
  during: (work: () => Promise<void>) => Promise<unknown> = (work) => work(),
) {
  gc();
  let ms = 0;
  let service: ConnectionService | undefined;
  await during(async () => {
    const t0 = performance.now();
    service = await createConnectionService({
      dataDir,
      credentials: createMemoryCredentialStore(),
    });
    const ready = service;
    const missing = saved.filter((c) => !ready.manager.system.get(connectionActorId(c.id)));
    ms = performance.now() - t0;
    if (missing.length > 0) throw new Error(`${missing.length} saved connections have no actor`);
  });
  const c0 = performance.now();
  await service!.close();
  return { ms, closeMs: performance.now() - c0 };
}

async function spawnSaved(runs: number, count = SPAWN_COUNT, profiled = true) {
  const { dataDir, saved, remove } = await savedConnections(count);
  const totals: number[] = [];
  const closes: number[] = [];
  const reads: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const { ms, closeMs } = await spawnOnce(dataDir, saved);
      totals.push(ms);
      closes.push(closeMs);
      // The part of it that is reading and validating the file, measured on its own.
      gc();
      const r0 = performance.now();
      const listed = await (await openStore(dataDir)).listConnections();
      reads.push(performance.now() - r0);
      if (listed.length !== count) throw new Error('the store lost connections');
    }
    let times: SelfTime[] = [];
    if (profiled) {
      await spawnOnce(dataDir, saved, async (work) => {
        times = await profile(work);
      });
    }
    return {
      cold: totals[0]!,
      warm: median(totals.slice(1)),
      read: median(reads.slice(1)),
      close: median(closes.slice(1)),
      totals,
      closes,
      profiled: times,
    };
  } finally {
    await remove();
  }
}

/**
 * How the spawn and close times grow with the number of saved connections (median of two warm
 * runs): flat per-connection figures mean linear.
 */
async function spawnGrowth(sizes: number[]) {
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const { dataDir, saved, remove } = await savedConnections(n);
    try {
      await spawnOnce(dataDir, saved);
      const runs = [await spawnOnce(dataDir, saved), await spawnOnce(dataDir, saved)];
      const ms = median(runs.map((r) => r.ms));
      const closeMs = median(runs.map((r) => r.closeMs));
      rows.push([
        n,
        fmt(ms, 0),
        fmt((ms * 1000) / n, 0),
        fmt(closeMs, 1),
        fmt((closeMs * 1000) / n, 1),
      ]);
    } finally {
      await remove();
    }
  }
  return rows;
}

/**
 * What close() did before CONNECTIONS_REMOVE, for comparison: manager.stop() with every child
 * still in place, so xstate stops them one stopChild at a time (machines/stop-children.ts).
 */
async function stopWithChildren(n: number) {
  const { dataDir, saved, remove } = await savedConnections(n);
  try {
    const service = await createConnectionService({
      dataDir,
      credentials: createMemoryCredentialStore(),
    });
    if (saved.some((c) => !service.manager.system.get(connectionActorId(c.id)))) {
      throw new Error('not every saved connection has its actor');
    }
    gc();
    const t0 = performance.now();
    service.manager.stop();
    const ms = performance.now() - t0;
    await service.close();
    return ms;
  } finally {
    await remove();
  }
}

/** deleteConnection() of some of `n` saved connections, one at a time: ms per delete. */
async function deletes(n: number, count: number) {
  const { dataDir, saved, remove } = await savedConnections(n);
  try {
    const service = await createConnectionService({
      dataDir,
      credentials: createMemoryCredentialStore(),
    });
    const times: number[] = [];
    for (const config of saved.slice(0, count)) {
      const t0 = performance.now();
      await service.deleteConnection(config.id);
      times.push(performance.now() - t0);
    }
    if ((await service.listConnections()).length !== n - count) throw new Error('a delete failed');
    const c0 = performance.now();
    await service.close();
    return { perDelete: median(times), close: performance.now() - c0 };
  } finally {
    await remove();
  }
}

/** Heap held per idle connection actor: heap after spawning `n`, minus before, over `n`. */
async function heapPerActor(n: number, withConfigs: boolean) {
  const { service, close } = await openService();
  try {
    let prepared: ConnectionConfig[] | null = withConfigs ? null : configs(n, 'bench-heap');
    gc();
    const before = process.memoryUsage().heapUsed;
    prepared ??= configs(n, 'bench-heap');
    for (const config of prepared) service.manager.send({ type: 'CONNECTION_ADD', config });
    gc();
    const after = process.memoryUsage().heapUsed;
    const actors = prepared.filter((c) => service.manager.system.get(connectionActorId(c.id)));
    if (actors.length !== n) throw new Error('not every actor was spawned');
    return (after - before) / n / 1024;
  } finally {
    await close();
  }
}

export default defineBenchmark({
  name: 'scale',
  title:
    '4. Scale: 1,000 and 10,000 saved connections, close(), heap per actor, CPU of 100 live connections',
  async run({ quick }) {
    progress(`spawning ${SPAWN_COUNT} saved connections`);
    const spawn = await spawnSaved(quick ? 4 : 8);
    const growth = await spawnGrowth(
      quick ? [250, 1000, 10_000] : [250, 500, 1000, 2000, 5000, 10_000],
    );
    progress(`${BIG_COUNT} saved connections`);
    const big = await spawnSaved(quick ? 2 : 4, BIG_COUNT, false);
    const bigHeap: number[] = [];
    for (let i = 0; i < (quick ? 1 : 2); i++) bigHeap.push(await heapPerActor(BIG_COUNT, false));
    const removals = await deletes(BIG_COUNT, quick ? 5 : 20);
    progress(`before: manager.stop() with ${SPAWN_COUNT} children in place`);
    const before: number[] = [];
    for (let i = 0; i < 2; i++) before.push(await stopWithChildren(SPAWN_COUNT));

    progress('heap per idle actor');
    const heapRuns = quick ? 2 : 4;
    const actorOnly: number[] = [];
    const withConfig: number[] = [];
    for (let i = 0; i < heapRuns; i++) {
      actorOnly.push(await heapPerActor(SPAWN_COUNT, false));
      withConfig.push(await heapPerActor(SPAWN_COUNT, true));
    }

    progress(`${LIVE_COUNT} live connections, keepalive every second`);
    const windowSec = quick ? 10 : 30;
    const server = await startPostgres({ settings: { max_connections: 2 * LIVE_COUNT + 50 } });
    const { service, close } = await openService();
    let live: { cpuPerMinSec: number; pingsPerSec: number; backends: number };
    try {
      const lives = configs(LIVE_COUNT, 'bench-live').map((c) => ({
        ...c,
        host: server.host,
        port: server.port,
        username: server.user,
        database: server.database,
        options: { ...c.options, keepaliveIntervalSec: 1 },
      }));
      for (let i = 0; i < lives.length; i += 10) {
        await Promise.all(
          lives.slice(i, i + 10).map((c) => service.connect(c, { password: server.password })),
        );
      }
      const backends = (await server.backends({})).length;
      await delay(2_000);
      const pings = () =>
        lives.reduce((n, c) => {
          const ref = service.manager.system.get(connectionActorId(c.id)) as ConnectionActorRef;
          return n + ref.getSnapshot().context.keepalive.pings;
        }, 0);
      const pings0 = pings();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await delay(windowSec * 1000);
      const used = process.cpuUsage(cpu0);
      const seconds = (performance.now() - t0) / 1000;
      const statuses = Object.values(service.manager.getSnapshot().context.statuses);
      if (statuses.some((s) => s !== 'connected')) throw new Error('a live connection dropped');
      live = {
        cpuPerMinSec: ((used.user + used.system) / 1e6 / seconds) * 60,
        pingsPerSec: (pings() - pings0) / seconds,
        backends,
      };
    } finally {
      await close();
      await server.dispose();
    }

    const verdicts: Verdict[] = [
      {
        target: `${SPAWN_COUNT} saved connections loaded and spawned in under ${SPAWN_TARGET_MS} ms`,
        met: spawn.warm < SPAWN_TARGET_MS,
        detail: `${fmt(spawn.warm, 0)} ms (median of warm runs; the first run in the process took ${fmt(spawn.cold, 0)} ms)`,
      },
      {
        target: `under ${HEAP_TARGET_KB} KB heap per idle connection actor`,
        met: median(actorOnly) < HEAP_TARGET_KB,
        detail: `${fmt(median(actorOnly), 1)} KB per actor (${fmt(median(withConfig), 1)} KB counting its config)`,
      },
      {
        target: `close() with ${SPAWN_COUNT} idle connections in under ${CLOSE_TARGET_MS} ms`,
        met: spawn.close < CLOSE_TARGET_MS,
        detail: `${fmt(spawn.close, 0)} ms (median of warm runs); manager.stop() with the children in place, as close() did before, ${fmt(median(before), 0)} ms`,
      },
      {
        target: `${BIG_COUNT} saved connections loaded and spawned in under ${BIG_SPAWN_TARGET_MS} ms`,
        met: big.warm < BIG_SPAWN_TARGET_MS,
        detail: `${fmt(big.warm, 0)} ms (median of warm runs; first run ${fmt(big.cold, 0)} ms)`,
      },
      {
        target: `${BIG_COUNT} saved connections closed (close()) in under ${BIG_CLOSE_TARGET_MS} ms`,
        met: big.close < BIG_CLOSE_TARGET_MS,
        detail: `${fmt(big.close, 0)} ms (median of warm runs)`,
      },
      {
        target: `under ${BIG_HEAP_TARGET_KB} KB heap per idle connection actor with ${BIG_COUNT} of them`,
        met: median(bigHeap) < BIG_HEAP_TARGET_KB,
        detail: `${fmt(median(bigHeap), 1)} KB per actor`,
      },
    ];
    return {
      method: [
        `Spawn: a connections.json with ${SPAWN_COUNT} valid configs is written, then the time runs from`,
        "`createConnectionService()` until every connection's actor exists in the actor system; the",
        'first run in the process is reported apart (modules and schemas not yet optimised by the JIT).',
        `Heap: after a full gc, ${SPAWN_COUNT} idle connection actors are spawned (CONNECTION_ADD to the`,
        'manager); after another full gc the growth of `heapUsed` is divided by their number, once with',
        'the configs created beforehand (the actor alone) and once with the configs counted. Live: the',
        `process connects ${LIVE_COUNT} connections (keepaliveIntervalSec 1) to one embedded server and`,
        `\`process.cpuUsage()\` is read over ${windowSec} s of idle keepalive, scaled to a minute.`,
      ].join(' '),
      tables: [
        {
          caption: `Loading and spawning ${SPAWN_COUNT} saved connections, ms:`,
          columns: [
            'first run',
            'median of warm runs',
            'of which reading + validating the file',
            'every run',
            'target',
            'close() afterwards',
            'close() target',
            'before: manager.stop() with the children in place',
          ],
          rows: [
            [
              fmt(spawn.cold, 0),
              fmt(spawn.warm, 0),
              fmt(spawn.read, 0),
              spawn.totals.map((t) => fmt(t, 0)).join(', '),
              `< ${SPAWN_TARGET_MS}`,
              fmt(spawn.close, 0),
              `< ${CLOSE_TARGET_MS}`,
              before.map((t) => fmt(t, 0)).join(', '),
            ],
          ],
        },
        {
          caption: 'Growth with the number of saved connections (warm):',
          columns: [
            'saved connections',
            'ms to spawn all',
            'µs per connection',
            'ms to close()',
            'µs per connection',
          ],
          rows: growth,
        },
        {
          caption: `${BIG_COUNT} saved connections, ms (heap in KB per idle actor):`,
          columns: [
            'spawn, first run',
            'spawn, median of warm runs',
            'of which reading + validating the file',
            'close()',
            'every close()',
            'heap per idle actor',
            'deleteConnection(), per delete',
            'close() after the deletes',
          ],
          rows: [
            [
              fmt(big.cold, 0),
              fmt(big.warm, 0),
              fmt(big.read, 0),
              fmt(big.close, 0),
              big.closes.map((t) => fmt(t, 0)).join(', '),
              fmt(median(bigHeap), 1),
              fmt(removals.perDelete, 1),
              fmt(removals.close, 0),
            ],
          ],
        },
        topFunctionsTable(
          spawn.profiled,
          `Spawning ${SPAWN_COUNT} saved connections, top functions by self time:`,
          12,
        ),
        {
          caption: 'Heap per idle connection actor, KB:',
          columns: ['actor (config made beforehand)', 'actor + its config', 'runs', 'target'],
          rows: [
            [
              fmt(median(actorOnly), 1),
              fmt(median(withConfig), 1),
              `${heapRuns} × ${SPAWN_COUNT} actors`,
              `< ${HEAP_TARGET_KB}`,
            ],
          ],
        },
        {
          caption: `${LIVE_COUNT} live connections with keepaliveIntervalSec 1:`,
          columns: [
            'client CPU per minute',
            'share of one core',
            'keepalive pings per second',
            'backends on the server',
            'window',
          ],
          rows: [
            [
              `${fmt(live.cpuPerMinSec, 2)} s`,
              `${fmt((live.cpuPerMinSec / 60) * 100, 1)} %`,
              fmt(live.pingsPerSec, 0),
              live.backends,
              `${windowSec} s`,
            ],
          ],
        },
      ],
      verdicts,
      notes: [
        ...(spawn.warm < SPAWN_TARGET_MS ? [] : [spawnNote(spawn.warm, spawn.read, growth)]),
        [
          `**close() is linear now.** Before, its \`manager.stop()\` made xstate stop the children one`,
          'stopChild action at a time, and each copied the remaining `children` object (resolveStop,',
          'the copy added in statelyai/xstate#4058): quadratic, inside xstate; measured here as',
          `${fmt(median(before), 0)} ms for ${SPAWN_COUNT} children, and 19.4 s for ${BIG_COUNT} with the same probe`,
          '(spawn, disconnect all, manager.stop(), at commit 4271347). Now close() disconnects only the',
          'connections that have something open, and one CONNECTIONS_REMOVE event stops every',
          'connection actor with one copy of `children` (machines/stop-children.ts) before the manager',
          `stops: ${fmt(spawn.close, 0)} ms for ${SPAWN_COUNT} and ${fmt(big.close, 0)} ms for ${BIG_COUNT}. Deleting one connection is one`,
          'CONNECTION_REMOVE through the same action (one copy of `children`) and one rewrite of',
          `connections.json; with ${BIG_COUNT} saved that took ${fmt(removals.perDelete, 1)} ms per delete, most of it the file.`,
        ].join(' '),
      ],
    };
  },
});

function spawnNote(warmMs: number, readMs: number, growth: (string | number)[][]): string {
  const per = growth.map((row) => Number(row[2]));
  const shape =
    per.at(-1)! > 1.5 * per[0]!
      ? 'it grows with the number of connections, so something is copied per connection'
      : 'it stays about flat, so the cost is linear and per connection';
  return [
    `**Why spawning is missed** (${fmt(warmMs, 0)} ms against ${SPAWN_TARGET_MS} ms, ${fmt(warmMs / SPAWN_TARGET_MS, 1)}×):`,
    `reading and validating the file takes ${fmt(readMs, 0)} ms; the rest is spawning. Per connection`,
    `(${growth.map((row) => `${row[2]} µs at ${row[0]}`).join(', ')}) ${shape}; the profile above`,
    'shows where.',
  ].join(' ');
}
