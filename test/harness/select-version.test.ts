import pg from 'pg';
import { expect, test } from 'vitest';
import { sharedServer } from './shared.ts';

const server = sharedServer();

test('the shared server answers select version() as PostgreSQL, with the injected password', async () => {
  const { host, port, user, password, database } = server;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('select version()');
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  } finally {
    await client.end();
  }
});
