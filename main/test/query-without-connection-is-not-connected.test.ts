import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

/** Expects NotConnected, answered at once rather than after waiting for a connection. */
async function expectNotConnectedAtOnce(promise: Promise<unknown>) {
  const started = performance.now();
  const error = await rejection(promise);
  expect(error.kind).toBe('NotConnected');
  expect(performance.now() - started).toBeLessThan(300);
}

it('a query on an unknown connection is NotConnected', async () => {
  const { service } = await startService();

  await expectNotConnectedAtOnce(service.query(randomUUID(), 'select 1'));
});

it('a query on a saved connection that was never connected is NotConnected', async () => {
  const { service } = await startService();
  const config = configFor(server, { passwordInKeyring: true });
  await service.saveConnection(config, server.password);

  await expectNotConnectedAtOnce(service.query(config.id, 'select 1'));
});

it('a query after disconnect is NotConnected, and opens nothing', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  await service.disconnect(config.id);

  await expectNotConnectedAtOnce(service.query(config.id, 'select 1'));
  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
});

it('a query after close() is NotConnected', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  await service.close();

  await expectNotConnectedAtOnce(service.query(config.id, 'select 1'));
  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
});

it('a query whose connection id is not a UUID is InvalidInput', async () => {
  const { service } = await startService();

  expect((await rejection(service.query('conn-1', 'select 1'))).kind).toBe('InvalidInput');
});
