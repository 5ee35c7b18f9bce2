import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService, untilStatus } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

it('getConnectionStatus and listConnections report each state: disconnected, connecting, connected, reconnecting, error', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const { service } = await startService();
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { passwordInKeyring: true },
  );
  await service.saveConnection(config, server.password);
  const status = async () => {
    const listed = (await service.listConnections()).find((c) => c.config.id === config.id);
    const direct = await service.getConnectionStatus(config.id);
    expect(listed?.status).toBe(direct);
    return direct;
  };

  expect(await status()).toBe('disconnected');

  const connecting = service.connect(config);
  expect(await status()).toBe('connecting');
  await connecting;
  expect(await status()).toBe('connected');

  await proxy.setMode('reset');
  await untilStatus(service, config.id, 'reconnecting');
  expect(await status()).toBe('reconnecting');

  await service.disconnect(config.id);
  expect(await status()).toBe('disconnected');

  await rejection(service.connect(config));
  expect(await status()).toBe('error');

  await proxy.setMode('pass');
  await service.connect(config);
  expect(await status()).toBe('connected');
});

it('an id the service has never seen is disconnected; an id that is not a UUID is InvalidInput', async () => {
  const { service } = await startService();

  expect(await service.getConnectionStatus(randomUUID())).toBe('disconnected');
  expect((await rejection(service.getConnectionStatus('nope'))).kind).toBe('InvalidInput');
});
