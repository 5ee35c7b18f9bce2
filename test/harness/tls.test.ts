import { readFileSync } from 'node:fs';
import pg from 'pg';
import { expect, test } from 'vitest';
import { sharedServer } from './shared.ts';

const server = sharedServer();
const { host, port, user, password, database } = server;

test('a client that verifies the server against the test CA gets TLS (pg_stat_ssl.ssl)', async () => {
  const ca = readFileSync(server.caFile, 'utf8');
  const client = new pg.Client({
    host,
    port,
    user,
    password,
    database,
    ssl: { ca, servername: 'localhost' },
  });
  await client.connect();
  const { rows } = await client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
  await client.end();
  expect(rows).toEqual([{ ssl: true }]);
});

test('a client that trusts only the system CAs refuses the test certificate', async () => {
  const client = new pg.Client({
    host,
    port,
    user,
    password,
    database,
    ssl: { servername: 'localhost' },
  });
  await expect(client.connect()).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
});

test('the same server still accepts plain connections, for tests of sslMode disable', async () => {
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  const { rows } = await client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
  await client.end();
  expect(rows).toEqual([{ ssl: false }]);
});
