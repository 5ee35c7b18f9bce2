import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { PING_SQL } from '../pg/index.ts';
import { actorOf, configFor, delay, startService } from './helpers.ts';

const server = sharedServer();

/** Polls pg_stat_activity for `ms` and returns each distinct start time of the keepalive query. */
async function pingsSeenByServer(applicationName: string, ms: number): Promise<number[]> {
  const starts = new Set<number>();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const { rows } = await server
      .admin()
      .query<{ query_start: Date }>(
        'select query_start from pg_stat_activity where application_name = $1 and query = $2',
        [applicationName, PING_SQL],
      );
    for (const row of rows) starts.add(row.query_start.getTime());
    await delay(50);
  }
  return [...starts].sort((a, b) => a - b);
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

it('with keepaliveIntervalSec 1 the server sees the keepalive query once a second', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { keepaliveIntervalSec: 1 } });
  await service.connect(config, { password: server.password });
  const connectedAt = Date.now();

  const starts = await pingsSeenByServer(config.options.applicationName, 2_300);

  expect(starts.length).toBeGreaterThanOrEqual(2);
  // The first ping comes one interval after connecting, not at once.
  expect(starts[0]! - connectedAt).toBeGreaterThan(800);
  expect(starts[0]! - connectedAt).toBeLessThan(1_500);
  for (const gap of gaps(starts)) {
    expect(gap).toBeGreaterThan(900);
    expect(gap).toBeLessThan(1_500);
  }
  const { keepalive } = actorOf(service, config.id)!.getSnapshot().context;
  expect(keepalive.pings).toBeGreaterThanOrEqual(starts.length);
  expect(keepalive.lastLatencyMs).toBeGreaterThanOrEqual(0);
  expect(keepalive.lastPingAt).toBeGreaterThanOrEqual(starts.at(-1)!);
});

it('keeps pinging while a long query holds a pooled connection', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { keepaliveIntervalSec: 1 } });
  await service.connect(config, { password: server.password });
  const actor = actorOf(service, config.id)!;
  const before = actor.getSnapshot().context.keepalive.pings;

  const [queryEndedAt, starts] = await Promise.all([
    service.query(config.id, 'select pg_sleep(1.8)').then(() => Date.now()),
    pingsSeenByServer(config.options.applicationName, 1_800),
  ]);

  // A ping queued behind the query would only start once the query ended.
  expect(starts.filter((t) => t < queryEndedAt - 300).length).toBeGreaterThanOrEqual(1);
  expect(actor.getSnapshot().context.keepalive.pings - before).toBeGreaterThanOrEqual(1);
  expect(actor.getSnapshot().matches('connected')).toBe(true);
});
