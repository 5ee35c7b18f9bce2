import { expect, it } from 'vitest';
import {
  configFor,
  connected,
  effectsPerTest,
  ownServerBehindProxy,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const { effects, actors } = effectsPerTest();
const env = ownServerBehindProxy();

/*
 * Behind a TCP proxy (PgBouncer, a cloud provider's proxy, an SSH tunnel) every connect is
 * accepted while the database is down, so each attempt reaches the proxy. With nobody waiting,
 * the attempts follow the backoff (100 ms doubling to 10 s, full jitter): over 8 s, about ten.
 * Attempts are not capped here (maxReconnectAttempts 1000), so the count is the backoff's.
 */
const OUTAGE_MS = 8_000;
const MAX_ATTEMPTS = 20;

it(`an 8 s outage behind a proxy brings at most ${MAX_ATTEMPTS} attempts, then reconnects`, async () => {
  const { server, proxy } = env;
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { options: { maxReconnectAttempts: 1000 } },
  );
  const actor = startConnection(effects(), config, { password: server.password, actors });
  await connected(actor);
  const before = proxy.connections.length;
  const down = performance.now();
  await server.stop();
  await waitForStatus(actor, 'reconnecting');
  await new Promise((r) => setTimeout(r, OUTAGE_MS - (performance.now() - down)));
  const attempts = proxy.connections.slice(before).map((c) => c.at);
  await server.start();
  await waitForStatus(actor, 'connected', 30_000);

  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
  console.log(
    `${attempts.length} attempts in ${OUTAGE_MS} ms; largest gap ${Math.round(Math.max(...gaps))} ms`,
  );
  expect(attempts.length).toBeGreaterThanOrEqual(3);
  expect(attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
}, 60_000);
