import { createFaultProxy } from '../test/harness/fault-proxy.ts';
import { createLatencyLink } from '../test/harness/latency-link.ts';
import { startPostgres } from '../test/harness/postgres.ts';
import { makeTlsFixtures } from '../test/harness/tls.ts';
import { defineBenchmark } from './lib/bench.ts';
import { SQL, terminate, untilGone, untilSuccess } from './lib/kill.ts';
import {
  bareConnect,
  blackholesOnLink,
  type KillRun,
  type LinkRun,
  queryRound,
  serviceConnect,
  timedOnLink,
} from './lib/link.ts';
import { BLACKHOLE, DELAY_MS, linkReport, QUIET } from './lib/link-report.ts';
import { barePool, benchConfig, delay, openService, progress } from './lib/setup.ts';

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
    // For the blackholes: service → a link of its own → the fault proxy → the server.
    const proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const faultLink = await createLatencyLink({
      targetHost: proxy.host,
      targetPort: proxy.port,
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
        {
          mode: 'direct TLS (verify-full, sslNegotiation direct)',
          patch: { ...tlsPatch, sslNegotiation: 'direct' as const },
        },
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
      for (let i = 0; i < (quick ? 3 : 12); i++) {
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
      const overhead: {
        c: number;
        perRound: number;
        walls: Record<string, number[]>;
        turns: Record<string, number>;
      }[] = [];
      for (const [c, perRound, pairs] of [
        [1, 20, quick ? 4 : 16],
        [10, 90, quick ? 3 : 10],
      ] as const) {
        const walls: Record<string, number[]> = { service: [], bare: [], bare9: [] };
        const names = Object.keys(walls) as (keyof typeof sides)[];
        for (const side of names) await queryRound(sides[side], 20, 10);
        for (let i = 0; i < pairs; i++) {
          const order = i % 2 === 0 ? names : [...names].reverse();
          for (const side of order) walls[side]!.push(await queryRound(sides[side], perRound, c));
        }
        // One more round per side with the link counting: the waves of round trips it takes.
        const turns: Record<string, number> = {};
        for (const side of names) {
          link.reset();
          await queryRound(sides[side], perRound, c);
          turns[side] = link.turns();
        }
        overhead.push({ c, perRound, walls, turns });
      }
      progress('query overhead on the link');

      const blackholeCfg = benchConfig(
        { ...server, host: faultLink.host, port: faultLink.port },
        'bench-link-blackhole',
        BLACKHOLE,
      );
      const blackholes = await blackholesOnLink(
        service,
        blackholeCfg,
        server.password,
        proxy,
        quick ? 3 : 8,
      );
      progress(`blackholes: ${blackholes.length}`);

      return linkReport({ connects, kills, restarts, overhead, blackholes });
    } finally {
      await pool.end();
      await pool9.end();
      await ownPool.end();
      await close();
      await link.close();
      await ownLink.close();
      await faultLink.close();
      await proxy.close();
      await server.dispose();
      await own.dispose();
      await tls.dispose();
    }
  },
});
