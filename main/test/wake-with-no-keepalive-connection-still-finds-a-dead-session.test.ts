import { afterEach, expect, it, onTestFinished } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, recordStatuses, startService, untilStatus } from './helpers.ts';

/*
 * A wake's ping must ask a socket from before the wake. The keepalive (control) connection opens
 * just behind `connected`; a sleep or a change of network while its login is still on the way
 * leaves nothing from before to ask. Here its login never gets an answer (the proxy's connection
 * number 1 is dead from the start), and the session's socket dies silently before the wake, as
 * on a change of Wi-Fi. A control client opened after the wake would answer through the new path
 * and say all is well while the session's statement waits forever; the wake must replace the
 * session instead.
 */

const server = sharedServer();
const CONNECT_TIMEOUT_SEC = 2;
let proxy: FaultProxy | undefined;
let applicationName: string | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  // The server never heard of the drop: end the backends the dead pairs left behind.
  if (applicationName) await server.terminate({ applicationName });
  applicationName = undefined;
});

/** Settles `promise` as { ok, kind } or says it is still waiting after `ms`. */
async function within(promise: Promise<unknown>, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  const settled = promise.then(
    () => ({ ok: true }),
    (error: { kind?: string }) => ({ ok: false, kind: error.kind }),
  );
  try {
    return await Promise.race([settled, waited]);
  } finally {
    clearTimeout(timer);
  }
}

it("a wake while the keepalive connection's login is stuck replaces the session whose path died", async () => {
  proxy = await createFaultProxy({
    targetHost: server.host,
    targetPort: server.port,
    // 0 is the pool's first client, 1 the control client opened behind `connected`.
    deadOnArrival: (index) => index === 1,
  });
  const { service } = await startService({ wakeWatch: false });
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { options: { keepaliveIntervalSec: 3600, connectTimeoutSec: CONNECT_TIMEOUT_SEC, poolMax: 4 } },
  );
  applicationName = config.options.applicationName;
  const statuses = recordStatuses(service);
  await service.connect(config, { password: server.password });
  // Why the connection was replaced, as the sidebar shows it.
  const errors: string[] = [];
  const watched = actorOf(service, config.id)!.subscribe((s) => {
    const message = s.context.lastError?.message;
    if (message && errors.at(-1) !== message) errors.push(message);
  });
  onTestFinished(() => watched.unsubscribe());
  const { sessionId } = await service.openSession(config.id);
  await expect(
    service.query(config.id, 'select 1 as one', [], { sessionId }),
  ).resolves.toMatchObject({ rows: [{ one: 1 }] });
  // The control client's login is on its way, into the dead pair.
  await expect.poll(() => proxy!.connections.length, { timeout: 5_000 }).toBe(2);

  // The session's path dies without a sound; new sockets get through.
  await proxy.setMode('blackhole');
  await proxy.setMode('pass');
  const waiting = service.query(config.id, 'select 2 as two', [], { sessionId });
  service.wakeAll('network');

  // Without the rule, the wake's ping waits for the stuck login, opens a fresh control client,
  // finds the only pooled client pinned, skips, and the statement waits for good.
  expect(await within(waiting, CONNECT_TIMEOUT_SEC * 1000 + 3000)).toEqual({
    ok: false,
    kind: 'ConnectionLost',
  });
  await untilStatus(service, config.id, 'connected', 10_000);
  const seen = statuses.filter((e) => e.connectionId === config.id).map((e) => e.status);
  expect(seen).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  expect(errors).toContainEqual(
    expect.stringMatching(/keepalive connection's login got no answer/),
  );
  const again = await service.openSession(config.id);
  await expect(
    service.query(config.id, 'select 3 as three', [], { sessionId: again.sessionId }),
  ).resolves.toMatchObject({ rows: [{ three: 3 }] });
});
