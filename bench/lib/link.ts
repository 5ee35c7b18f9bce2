/** Measurements on a latency link (test/harness/latency-link.ts), for bench/link.ts. */
import pg from 'pg';
import type { ConnectionConfig } from '../../machines/config.ts';
import { clientConfig } from '../../main/pg/client.ts';
import { tlsPlan } from '../../main/pg/tls.ts';
import type { ConnectionService } from '../../main/service.ts';
import type { FaultProxy } from '../../test/harness/fault-proxy.ts';
import type { LatencyLink } from '../../test/harness/latency-link.ts';
import { SQL } from './kill.ts';
import { delay, statusClock } from './setup.ts';
import { median, medianCI, seededRandom } from './stats.ts';

/** One timed operation on the link: its time, its time in RTTs, its counted round trips. */
export interface LinkRun {
  ms: number;
  /** For a connect: the time to connected (or to connect() resolving), before the query. */
  connectMs?: number;
  turns: number;
  /** For a connect: the round trips up to connected. */
  connectTurns?: number;
  connections: number;
  trace: string[];
}

export type KillRun = LinkRun & { failures: string[] };

/** A bare pg.Client: TCP, [TLS], startup and SCRAM, then one query. The floor. */
export async function bareConnect(
  link: LatencyLink,
  config: ConnectionConfig,
  password: string,
): Promise<LinkRun> {
  const { ssl } = await tlsPlan(config);
  link.reset();
  const t0 = performance.now();
  const client = new pg.Client(clientConfig(config, ssl, () => password));
  await client.connect();
  const connected = performance.now();
  const connectTurns = link.turns();
  await client.query(SQL);
  const run: LinkRun = {
    ms: performance.now() - t0,
    connectMs: connected - t0,
    turns: link.turns(),
    connectTurns,
    connections: link.connections(),
    trace: link.formatTrace(),
  };
  await client.end();
  return run;
}

/** The service's connect() until it resolves (connected), then its first query. */
export async function serviceConnect(
  link: LatencyLink,
  service: ConnectionService,
  config: ConnectionConfig,
  password: string,
): Promise<LinkRun> {
  link.reset();
  const t0 = performance.now();
  await service.connect(config, { password });
  const connected = performance.now();
  const connectTurns = link.turns();
  const connections = link.connections();
  const connectTrace = link.formatTrace();
  await service.query(config.id, SQL);
  const run: LinkRun = {
    ms: performance.now() - t0,
    connectMs: connected - t0,
    turns: link.turns(),
    connectTurns,
    connections,
    trace: connectTrace,
  };
  await service.disconnect(config.id);
  return run;
}

/** Runs `exec` until it succeeds, on the link; the round trips it took. */
export async function timedOnLink(
  link: LatencyLink,
  start: () => Promise<unknown>,
  untilDone: () => Promise<{ at: number; failures: string[] }>,
): Promise<LinkRun & { failures: string[] }> {
  link.reset();
  const t0 = performance.now();
  await start();
  const { at, failures } = await untilDone();
  return {
    ms: at - t0,
    turns: link.turns(),
    connections: link.connections(),
    trace: link.formatTrace(),
    failures,
  };
}

/** Per-pair ratios a[i] / b[i]: their median and its 95 % distribution-free interval. */
export function pairedRatio(a: number[], b: number[]) {
  const ratios = a.map((x, i) => x / b[i]!);
  const [lo, hi] = medianCI(ratios);
  return { ratio: median(ratios), lo, hi, n: ratios.length };
}

/** `total` calls of `exec`, `concurrency` at a time: the wall time. */
export async function queryRound(
  exec: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await exec();
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t0;
}

/**
 * Blackholes on the link: the service → latency link → fault proxy → server; at a random
 * moment of the keepalive cycle the proxy drops every byte; the time runs until the service
 * reports `reconnecting`. Then the proxy passes again and the service reconnects.
 */
export async function blackholesOnLink(
  service: ConnectionService,
  config: ConnectionConfig,
  password: string,
  proxy: FaultProxy,
  reps: number,
): Promise<number[]> {
  const clock = statusClock(service);
  const random = seededRandom(20_261_201);
  const keepaliveMs = config.options.keepaliveIntervalSec * 1000;
  const detections: number[] = [];
  try {
    await service.connect(config, { password });
    for (let i = 0; i < reps; i++) {
      await delay(200 + random() * keepaliveMs);
      if ((await service.getConnectionStatus(config.id)) !== 'connected') {
        throw new Error('not connected before the blackhole');
      }
      const t0 = performance.now();
      await proxy.setMode('blackhole');
      const left = await clock.first(config.id, 'reconnecting', t0, 30_000);
      detections.push(left - t0);
      await proxy.setMode('pass');
      await clock.first(config.id, 'connected', left, 30_000);
    }
    await service.disconnect(config.id);
    return detections;
  } finally {
    clock.stop();
  }
}
