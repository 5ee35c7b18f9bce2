import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEMO_NAME } from '../demo.ts';
import { freshAppDir, startDemoApp } from './helpers.ts';

it('the first run makes the cluster and a saved demo connection; the next run reuses both', async () => {
  const dataDir = await freshAppDir();
  const first = await startDemoApp(dataDir);
  const [saved] = await first.service.listConnections();
  expect(saved?.config).toMatchObject({
    id: first.demo.connectionId,
    name: DEMO_NAME,
    host: '127.0.0.1',
    port: first.demo.proxy.port,
    passwordInKeyring: true,
  });
  // Connect works at once: the password is in the credential store, not in the call.
  const info = await first.service.connect(saved!.config);
  expect(info.currentUser).toBe('postgres');
  await first.service.query(first.demo.connectionId, 'create table kept (n int)');
  await first.service.query(first.demo.connectionId, 'insert into kept values (42)');
  const cluster = await realpath(join(dataDir, 'demo-pg'));
  await first.close();
  expect(existsSync(join(cluster, 'data', 'postmaster.pid')), 'the server stopped').toBe(false);

  const second = await startDemoApp(dataDir);
  expect(second.demo.connectionId).toBe(first.demo.connectionId);
  const connections = await second.service.listConnections();
  expect(connections.map((c) => c.config.id)).toEqual([first.demo.connectionId]);
  expect(connections[0]!.config.port).toBe(second.demo.proxy.port);
  await second.service.connect(connections[0]!.config);
  const { rows } = await second.service.query(second.demo.connectionId, 'select n from kept');
  expect(rows).toEqual([{ n: 42 }]);
  expect(await realpath(join(dataDir, 'demo-pg'))).toBe(cluster);
  // Nothing secret in the app's own files.
  const file = await readFile(join(dataDir, 'connections.json'), 'utf8');
  expect(file).not.toContain(second.demo.server.password);
});
