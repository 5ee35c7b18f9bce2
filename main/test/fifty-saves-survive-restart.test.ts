import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, startService } from './helpers.ts';

const server = sharedServer();
const sorted = (ids: string[]) => [...ids].sort();

it('50 concurrent saveConnection calls are all persisted, with their passwords, and survive a restart', async () => {
  const { service, dataDir, credentials, reopen } = await startService();
  const configs = Array.from({ length: 50 }, (_, i) =>
    configFor(server, { name: `db ${i}`, passwordInKeyring: true }),
  );
  const ids = configs.map((c) => c.id);

  await Promise.all(configs.map((config, i) => service.saveConnection(config, `pw-${i}`)));

  expect(sorted((await service.listConnections()).map((c) => c.config.id))).toEqual(sorted(ids));
  const file = JSON.parse(await readFile(join(dataDir, 'connections.json'), 'utf8'));
  expect(sorted(file.connections.map((c: { id: string }) => c.id))).toEqual(sorted(ids));
  for (const id of ids) expect(actorOf(service, id)).toBeDefined();

  await service.close();
  const restarted = await reopen();

  const listed = await restarted.listConnections();
  expect(sorted(listed.map((c) => c.config.id))).toEqual(sorted(ids));
  expect(new Set(listed.map((c) => c.status))).toEqual(new Set(['disconnected']));
  for (const [i, config] of configs.entries()) {
    const actor = actorOf(restarted, config.id);
    expect(actor?.getSnapshot().matches('disconnected')).toBe(true);
    expect(actor?.getSnapshot().context.config).toMatchObject({
      name: `db ${i}`,
      passwordInKeyring: true,
    });
    expect(await credentials.getPassword(config.id)).toBe(`pw-${i}`);
  }
});

it('a restarted service connects a saved connection with the password it saved', async () => {
  const { service, reopen } = await startService();
  const config = configFor(server, { passwordInKeyring: true });
  await service.saveConnection(config, server.password);
  await service.close();

  const restarted = await reopen();

  await expect(restarted.connect(config)).resolves.toMatchObject({ id: config.id });
  expect(await restarted.getConnectionStatus(config.id)).toBe('connected');
});
