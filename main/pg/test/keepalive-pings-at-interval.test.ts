import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { PING_SQL } from '../session.ts';
import {
  configFor,
  connected,
  delay,
  disconnected,
  effectsPerTest,
  startConnection,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

/** query_start of the connection's keepalive pings, as the server saw them, sampled every 50 ms. */
async function pingStarts(applicationName: string, forMs: number): Promise<number[]> {
  const starts = new Set<number>();
  const until = Date.now() + forMs;
  while (Date.now() < until) {
    const { rows } = await server
      .admin()
      .query<{ started: Date }>(
        'select query_start as started from pg_stat_activity where application_name = $1 and query = $2',
        [applicationName, PING_SQL],
      );
    for (const row of rows) starts.add(row.started.getTime());
    await delay(50);
  }
  return [...starts].sort((a, b) => a - b);
}

describe('keepalive', () => {
  it('pings on the control backend at the configured interval, and stops after disconnect', async () => {
    const config = configFor(server, { options: { keepaliveIntervalSec: 1 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);

    const starts = await pingStarts(config.options.applicationName, 3200);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? t));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(950);
      expect(gap).toBeLessThan(1500);
    }
    const { keepalive } = actor.getSnapshot().context;
    expect(keepalive.pings).toBeGreaterThanOrEqual(3);
    expect(keepalive.lastLatencyMs).toBeGreaterThanOrEqual(0);

    await disconnected(actor);
    const pings = actor.getSnapshot().context.keepalive.pings;
    expect(await pingStarts(config.options.applicationName, 1200)).toEqual([]);
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
    expect(actor.getSnapshot().context.keepalive.pings).toBe(pings);
  });
});
