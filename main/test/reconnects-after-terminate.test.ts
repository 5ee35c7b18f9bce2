import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import { backoffCeiling } from '../../machines/backoff.ts';
import { DEFAULTS } from '../../machines/config.ts';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import {
  actorOf,
  configFor,
  delay,
  recordStatuses,
  startService,
  untilStatus,
  untilStatuses,
} from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const ceilings = { ...DEFAULTS.backoff, jitter: 'none' } as const;
const viaProxy = (p: FaultProxy) => ({ ...server, host: p.host, port: p.port });

describe('auto-reconnect', () => {
  it('after pg_terminate_backend: reconnecting, then connected on new backends, and queries work', async () => {
    const { service } = await startService();
    const events = recordStatuses(service);
    const config = configFor(server);
    const app = config.options.applicationName;
    const { backendPid } = await service.connect(config, { password: server.password });

    const killed = await server.terminate({ applicationName: app });
    const statuses = await untilStatuses(events, config.id, [
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ]);

    expect(killed).toContain(backendPid);
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    const { rows } = await service.query(config.id, 'select pg_backend_pid() as pid');
    expect(killed).not.toContain(rows[0]!.pid);
    const backends = (await server.backends({ applicationName: app })).map((b) => b.pid);
    expect(backends).toContain(rows[0]!.pid);
    expect(backends.some((pid) => killed.includes(pid))).toBe(false);
    expect(actorOf(service, config.id)!.getSnapshot().context.attempt).toBe(0);
  });

  it('a query issued while reconnecting waits for the connection and then succeeds', async () => {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const { service } = await startService();
    const config = configFor(viaProxy(proxy), { options: { connectTimeoutSec: 3 } });
    await service.connect(config, { password: server.password });

    await proxy.setMode('reset');
    await untilStatus(service, config.id, 'reconnecting');
    const answer = service.query(config.id, 'select 7 as seven');
    await delay(400);
    expect(await service.getConnectionStatus(config.id)).toBe('reconnecting');
    await proxy.setMode('pass');

    await expect(answer).resolves.toMatchObject({ rows: [{ seven: 7 }] });
    expect(await service.getConnectionStatus(config.id)).toBe('connected');
  });

  it('retries with exponential backoff: each wait is within its doubling ceiling', async () => {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    // The timer's schedule, so every connection through the proxy is an attempt: without the
    // readiness probe, whose tries (spaced by a twentieth of the outage) would end the waits early;
    // main/pg/test/restart-reconnects-when-ready.test.ts tests the probe and counts its tries.
    const { service } = await startService({
      instrument: (actors) => ({ ...actors, probe: fromCallback(() => undefined) }),
    });
    const config = configFor(viaProxy(proxy));
    await service.connect(config, { password: server.password });
    const actor = actorOf(service, config.id)!;
    const waits: { attempt: number; ms: number }[] = [];
    const sub = actor.subscribe((s) => {
      const { attempt, retryDelayMs } = s.context;
      if (s.matches({ reconnecting: 'waiting' }) && retryDelayMs !== null && attempt > 0) {
        waits.push({ attempt, ms: retryDelayMs });
      }
    });

    await proxy.setMode('reset');
    await delay(1_000);
    await proxy.setMode('pass');
    await untilStatus(service, config.id, 'connected', 12_000);
    sub.unsubscribe();

    const attempts = proxy.connections.filter((c) => c.mode === 'reset');
    // A tight loop would make hundreds of attempts in 1 s; backoff makes a handful.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThan(15);
    expect(waits.map((w) => w.attempt)).toEqual(waits.map((_, i) => i + 1));
    for (const { attempt, ms } of waits) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(backoffCeiling(attempt, ceilings));
    }
    // Measured on the wire: each attempt came no later than its ceiling (plus connect slack).
    for (let i = 1; i < attempts.length; i++) {
      const gap = attempts[i]!.at - attempts[i - 1]!.at;
      expect(gap).toBeLessThanOrEqual(backoffCeiling(i, ceilings) + 250);
    }
    expect(actor.getSnapshot().context.attempt).toBe(0);
  });

  it('with maxReconnectAttempts 0 a lost connection goes to error, not reconnecting', async () => {
    const { service } = await startService();
    const events = recordStatuses(service);
    const config = configFor(server, { options: { maxReconnectAttempts: 0 } });
    await service.connect(config, { password: server.password });

    await server.terminate({ applicationName: config.options.applicationName });
    await untilStatuses(events, config.id, ['connecting', 'connected', 'error']);

    expect(events.map((e) => e.status)).toEqual(['connecting', 'connected', 'error']);
    expect(events.at(-1)?.error?.kind).toBe('ConnectionLost');
  });
});
