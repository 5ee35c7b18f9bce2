import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { sharedServer, uniqueName } from './shared.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

test('reset ends an open pg connection with an error, and resets new ones at once', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const application_name = uniqueName('reset');
  const { user, password, database } = server;
  const config = { host: proxy.host, port: proxy.port, user, password, database, application_name };
  const client = new pg.Client(config);
  await client.connect();
  expect(await server.backends({ applicationName: application_name })).toHaveLength(1);
  const errors: Error[] = [];
  client.on('error', (error) => errors.push(error));

  await proxy.setMode('reset');

  await expect.poll(() => errors[0]).toMatchObject({ code: 'ECONNRESET' });
  await expect(client.query('select 1')).rejects.toThrow();
  await expect(new pg.Client(config).connect()).rejects.toThrow();
  expect(proxy.connections.map((c) => c.mode)).toEqual(['pass', 'reset']);
  expect(proxy.openCount()).toBe(0);
  // The RST reached the server too: its backend is gone without pg_terminate_backend.
  await expect.poll(() => server.backends({ applicationName: application_name })).toHaveLength(0);
});
