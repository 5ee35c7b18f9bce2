import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import {
  actorOf,
  configFor,
  recordStatuses,
  rejection,
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

it('retry from error connects again', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const config = configFor(server, { options: { maxReconnectAttempts: 0 } });
  await service.connect(config, { password: server.password });
  await server.terminate({ applicationName: config.options.applicationName });
  await untilStatus(service, config.id, 'error');

  await service.retry(config.id);

  expect(
    await untilStatuses(events, config.id, [
      'connecting',
      'connected',
      'error',
      'connecting',
      'connected',
    ]),
  ).toEqual(['connecting', 'connected', 'error', 'connecting', 'connected']);
  expect(await service.getConnectionStatus(config.id)).toBe('connected');
});

it('retry while reconnecting makes the next attempt now, without waiting out the backoff', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const { service } = await startService();
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { options: { maxReconnectAttempts: 50 } },
  );
  await service.connect(config, { password: server.password });
  const actor = actorOf(service, config.id)!;
  await proxy.setMode('reset');
  // A wait long enough to see that the attempt did not wait for it.
  const waiting = await waitFor(
    actor,
    (s) =>
      s.matches({ reconnecting: 'waiting' }) && (s.context.nextRetryAt ?? 0) - Date.now() > 150,
    { timeout: 20_000 },
  );
  const attempts = waiting.context.attempt;

  await service.retry(config.id);

  const now = actor.getSnapshot();
  expect(now.context.attempt).toBe(attempts + 1);
  expect(now.matches({ reconnecting: 'waiting' }) && now.context.attempt === attempts).toBe(false);
  await proxy.setMode('pass');
  await untilStatus(service, config.id, 'connected', 15_000);
});

it('retry of an unknown connection is NotConnected; of a bad id, InvalidInput', async () => {
  const { service } = await startService();
  expect((await rejection(service.retry(randomUUID()))).kind).toBe('NotConnected');
  expect(await rejection(service.retry('nope'))).toMatchObject({
    kind: 'InvalidInput',
    field: 'connectionId',
  });
});
