import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { sharedServer } from './shared.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

test('blackhole makes a query hang until the client times out; after pass new connections work', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const { user, password, database } = server;
  const config = {
    host: proxy.host,
    port: proxy.port,
    user,
    password,
    database,
    query_timeout: 300,
    connectionTimeoutMillis: 300,
  };
  const stuck = new pg.Client(config);
  stuck.on('error', () => {});
  await stuck.connect();

  await proxy.setMode('blackhole');
  const started = performance.now();
  await expect(stuck.query('select 1')).rejects.toThrow('Query read timeout');
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  const latecomer = new pg.Client(config);
  await expect(latecomer.connect()).rejects.toThrow(/timeout/i);

  await proxy.setMode('pass');
  const fresh = new pg.Client(config);
  await fresh.connect();
  await expect(fresh.query('select 1 as one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  await fresh.end();
  // The blackholed connection stays dead: its query still gets no answer.
  await expect(stuck.query('select 2')).rejects.toThrow('Query read timeout');
  expect(proxy.connections.map((c) => c.mode)).toEqual(['pass', 'blackhole', 'pass']);
});
