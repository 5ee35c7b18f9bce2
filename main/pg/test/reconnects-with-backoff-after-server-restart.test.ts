import { describe, expect, it } from 'vitest';
import { backoff, backoffCeiling } from '../../../machines/backoff.ts';
import { DEFAULTS } from '../../../machines/config.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  ownServerBehindProxy,
  recordStatuses,
  sessionOf,
  startConnection,
  withRetryWaits,
} from './fixtures.ts';

const { effects, actors } = effectsPerTest();
const env = ownServerBehindProxy();

/*
 * The machine draws each delay uniformly in [0, ceiling] (full jitter), so two draws in a row
 * can shrink. To see the growth itself without flakiness this test pins the draw to the ceiling
 * (jitter 'none'), the same computation otherwise. The jitter itself is covered by the pure
 * backoff tests.
 */
const pinnedBackoff = withRetryWaits((attempt) =>
  backoff(attempt, { ...DEFAULTS.backoff, jitter: 'none' }),
);

describe('server stopped, then started again', () => {
  it('reconnects with growing gaps between attempts, then is connected', async () => {
    const { server, proxy } = env;
    const config = configFor({ ...server, host: proxy.host, port: proxy.port });
    const actor = startConnection(effects(), config, {
      password: server.password,
      actors,
      machine: pinnedBackoff,
      // The schedule itself: the readiness probe would end a wait early (and add connections
      // to the count); restart-reconnects-when-ready.test.ts tests it.
      probe: false,
    });
    await connected(actor);
    const statuses = recordStatuses(actor);
    const before = proxy.connections.length;

    await server.stop();
    // Five failed attempts: at 0, 100, 300, 700 and 1500 ms after the loss.
    await expect
      .poll(() => proxy.connections.length - before, { timeout: 5000 })
      .toBeGreaterThanOrEqual(5);
    await server.start();
    await expect
      .poll(statuses.statuses, { timeout: 8000 })
      .toEqual(['connected', 'reconnecting', 'connected']);
    await sessionOf(effects(), config).controlReady;

    // One connection per attempt (the pool's first client); the attempt that succeeds opens
    // the control client behind `connected`: the last one is not an attempt.
    const attempts = proxy.connections.slice(before, -1).map((c) => c.at);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? t));
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    gaps.forEach((gap, i) => {
      const ceiling = backoffCeiling(i + 1, { ...DEFAULTS.backoff, jitter: 'none' });
      // The wait itself, plus one refused attempt and the close before the wait.
      expect(gap).toBeGreaterThanOrEqual(ceiling - 5);
      expect(gap).toBeLessThan(ceiling + 250);
      if (i > 0) expect(gap).toBeGreaterThan(gaps[i - 1] ?? 0);
    });
    expect(actor.getSnapshot().context.attempt).toBe(0);
    await expect(runQuery(sessionOf(effects(), config), 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    statuses.stop();
    await disconnected(actor);
  });
});
