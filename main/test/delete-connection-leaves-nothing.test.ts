import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, recordStatuses, rejection, startService } from './helpers.ts';

const server = sharedServer();
// Saved with a password, so its connect reads the keyring.
const inKeyring = { passwordInKeyring: true };

it('deleteConnection of a connected connection leaves no backend, credential, actor or config', async () => {
  const { service, dataDir, credentials } = await startService();
  const config = configFor(server, inKeyring);
  const kept = configFor(server, inKeyring);
  await service.saveConnection(config, server.password);
  await service.saveConnection(kept, server.password);
  await service.connect(config);
  await Promise.all(
    Array.from({ length: 3 }, () => service.query(config.id, 'select pg_sleep(0.05)')),
  );
  const events = recordStatuses(service);

  await service.deleteConnection(config.id);

  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  expect(await credentials.getPassword(config.id)).toBeNull();
  expect(actorOf(service, config.id)).toBeUndefined();
  expect(service.manager.getSnapshot().context.statuses).not.toHaveProperty(config.id);
  const file = JSON.parse(await readFile(join(dataDir, 'connections.json'), 'utf8'));
  expect(file.connections.map((c: { id: string }) => c.id)).toEqual([kept.id]);
  expect((await service.listConnections()).map((c) => c.config.id)).toEqual([kept.id]);
  expect(await credentials.getPassword(kept.id)).toBe(server.password);
  expect(actorOf(service, kept.id)).toBeDefined();
  expect(events.map((e) => e.status)).toEqual(['disconnected']);
  expect((await rejection(service.query(config.id, 'select 1'))).kind).toBe('NotConnected');
});

it('a deleted connection is not back after a restart, and can be saved again from scratch', async () => {
  const { service, reopen } = await startService();
  const config = configFor(server, inKeyring);
  await service.saveConnection(config, server.password);
  await service.deleteConnection(config.id);
  await service.close();

  const restarted = await reopen();

  expect(await restarted.listConnections()).toEqual([]);
  expect(actorOf(restarted, config.id)).toBeUndefined();
  await restarted.saveConnection(config, server.password);
  await expect(restarted.connect(config)).resolves.toMatchObject({ id: config.id });
});

it('deleting a connection that was never saved or connected resolves', async () => {
  const { service } = await startService();
  const config = configFor(server);

  await expect(service.deleteConnection(config.id)).resolves.toBeUndefined();
  expect(actorOf(service, config.id)).toBeUndefined();
});

it('deleting a connection while it reconnects leaves nothing behind either', async () => {
  const { service, credentials } = await startService();
  const config = configFor(server, inKeyring);
  await service.saveConnection(config, server.password);
  await service.connect(config);
  const events = recordStatuses(service);
  await server.terminate({ applicationName: config.options.applicationName });

  await service.deleteConnection(config.id);

  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  expect(await credentials.getPassword(config.id)).toBeNull();
  expect(actorOf(service, config.id)).toBeUndefined();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  expect(events.at(-1)?.status).toBe('disconnected');
});
