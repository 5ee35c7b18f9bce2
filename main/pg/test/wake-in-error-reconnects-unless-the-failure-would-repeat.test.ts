import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  delay,
  effectsPerTest,
  sessionOf,
  startConnection,
  waitForStatus,
  withRetryWaits,
} from './fixtures.ts';

/*
 * A connection that used up its reconnect attempts during an outage is in `error`; the network
 * coming back (a resume, an address change, the page online: WAKE) connects it again. A failure
 * that asking again would repeat (a wrong password) stays an error, and WAKE costs the server
 * nothing.
 */

const server = sharedServer();
const { effects, actors } = effectsPerTest();
let proxy: FaultProxy;
beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(() => proxy.close());

// Short waits between attempts, so the attempts run out quickly.
const quickRetries = withRetryWaits(() => 20);

it('after the attempts ran out in an outage, WAKE with the server back connects', async () => {
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { options: { maxReconnectAttempts: 2 } },
  );
  const actor = startConnection(effects(), config, {
    password: server.password,
    actors,
    machine: quickRetries,
    probe: false,
  });
  await connected(actor);
  await proxy.setMode('refuse');
  await server.terminate({ applicationName: config.options.applicationName });
  const failed = await waitForStatus(actor, 'error');
  expect(failed.context.attempt).toBe(2);
  expect(failed.context.lastError).toMatchObject({ kind: 'ConnectionFailed' });

  await proxy.setMode('pass');
  actor.send({ type: 'WAKE', cause: 'network' });
  await waitForStatus(actor, 'connected');
  const result = await runQuery(sessionOf(effects(), config), 'select 1 as one');
  expect(result.rows).toEqual([{ one: 1 }]);
});

it('after a wrong password, WAKE stays in error and makes no connection', async () => {
  const config = configFor({ ...server, host: proxy.host, port: proxy.port });
  const actor = startConnection(effects(), config, {
    password: `wrong-${randomBytes(6).toString('hex')}`,
    actors,
  });
  actor.send({ type: 'CONNECT' });
  const failed = await waitFor(actor, (s) => s.matches({ error: 'closed' }), { timeout: 10_000 });
  expect(failed.context.lastError).toMatchObject({ kind: 'AuthFailed' });
  const before = proxy.connections.length;

  actor.send({ type: 'WAKE', cause: 'resume' });
  // Long enough for a connect to reach the proxy, were one started.
  await delay(300);
  expect(actor.getSnapshot().value).toEqual({ error: 'closed' });
  expect(proxy.connections.length).toBe(before);
});
