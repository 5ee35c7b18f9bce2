import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, delay, rejection, startService } from './helpers.ts';

const server = sharedServer();

it('when disconnect() resolves no backend of the connection is left, and the actor is disconnected', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { keepaliveIntervalSec: 1 } });
  const app = config.options.applicationName;
  await service.connect(config, { password: server.password });
  // Grow the pool past its first client, so more than one pooled backend must go.
  await Promise.all(
    Array.from({ length: 4 }, () => service.query(config.id, 'select pg_sleep(0.1)')),
  );
  expect((await server.backends({ applicationName: app })).length).toBe(5);

  await service.disconnect(config.id);
  // Not polled: the very first look must find nothing.
  expect(await server.backends({ applicationName: app })).toEqual([]);

  const actor = actorOf(service, config.id)!;
  expect(actor.getSnapshot().matches({ disconnected: 'closed' })).toBe(true);
  expect(actor.getSnapshot().context).toMatchObject({ server: null, session: null, pool: null });
  expect(await service.getConnectionStatus(config.id)).toBe('disconnected');
  // No keepalive timer left: nothing pings or reconnects after more than one interval.
  const pings = actor.getSnapshot().context.keepalive.pings;
  await delay(1_300);
  expect(actor.getSnapshot().context.keepalive.pings).toBe(pings);
  expect(await server.backends({ applicationName: app })).toEqual([]);
  expect(actor.getSnapshot().matches({ disconnected: 'closed' })).toBe(true);
});

it('disconnect during a long query cancels it: the query fails at once and no backend is left', async () => {
  const { service } = await startService();
  const config = configFor(server);
  const app = config.options.applicationName;
  await service.connect(config, { password: server.password });
  const running = rejection(service.query(config.id, 'select pg_sleep(30)'));
  await expect
    .poll(async () =>
      (await server.backends({ applicationName: app })).some((b) => b.state === 'active'),
    )
    .toBe(true);

  const started = performance.now();
  await service.disconnect(config.id);

  expect(performance.now() - started).toBeLessThan(1_500);
  expect(await server.backends({ applicationName: app })).toEqual([]);
  expect((await running).kind).toBe('ConnectionLost');
});

it('disconnect while connecting leaves nothing open', async () => {
  const { service } = await startService();
  const config = configFor(server);
  const app = config.options.applicationName;

  const connecting = rejection(service.connect(config, { password: server.password }));
  await service.disconnect(config.id);

  expect((await connecting).kind).toBe('NotConnected');
  expect(await server.backends({ applicationName: app })).toEqual([]);
  expect(await service.getConnectionStatus(config.id)).toBe('disconnected');
  await delay(300);
  expect(await server.backends({ applicationName: app })).toEqual([]);
});

it('disconnect of a connection that is not connected resolves and changes nothing', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.saveConnection(config);

  await service.disconnect(config.id);

  expect(await service.getConnectionStatus(config.id)).toBe('disconnected');
});
