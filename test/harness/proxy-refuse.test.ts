import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { sharedServer } from './shared.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

const connectVia = async ({ host, port }: FaultProxy) => {
  const { user, password, database } = server;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  return client;
};

test('refuse makes a pg connect fail with ECONNREFUSED; pass listens again on the same port', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const { port } = proxy;

  await proxy.setMode('refuse');
  await expect(connectVia(proxy)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  expect(proxy.connections).toEqual([]);

  await proxy.setMode('pass');
  expect(proxy.port).toBe(port);
  const client = await connectVia(proxy);
  await expect(client.query('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  await client.end();
  expect(proxy.connections.map((c) => c.mode)).toEqual(['pass']);
});

test('refuse keeps already open connections working', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const client = await connectVia(proxy);
  await proxy.setMode('refuse');
  await expect(client.query('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  await client.end();
});
