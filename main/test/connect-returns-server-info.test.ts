import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, startService } from './helpers.ts';

const server = sharedServer();

it('connect with a valid config opens the pool, is connected, and returns the server info', async () => {
  const { service, dataDir } = await startService();
  const config = configFor(server);
  await service.saveConnection(config);

  const info = await service.connect(config, { password: server.password });

  expect(info).toMatchObject({
    id: config.id,
    currentDatabase: server.database,
    currentUser: server.user,
  });
  expect(info.serverVersion).toMatch(/^PostgreSQL \d+/);
  const backends = await server.backends({ applicationName: config.options.applicationName });
  expect(backends.map((b) => b.pid)).toContain(info.backendPid);
  expect(await service.getConnectionStatus(config.id)).toBe('connected');
  expect(actorOf(service, config.id)?.getSnapshot().matches('connected')).toBe(true);
  await expect(service.query(config.id, 'select 41 + 1 as answer')).resolves.toMatchObject({
    rows: [{ answer: 42 }],
    rowCount: 1,
  });
  const [saved] = JSON.parse(await readFile(join(dataDir, 'connections.json'), 'utf8')).connections;
  expect(Date.parse(saved.lastConnectedAt)).toBeGreaterThan(Date.now() - 10_000);
});

it('connect on a connection that is already connected returns the same session', async () => {
  const { service } = await startService();
  const config = configFor(server);
  const first = await service.connect(config, { password: server.password });

  const second = await service.connect(config);

  expect(second).toEqual(first);
});
