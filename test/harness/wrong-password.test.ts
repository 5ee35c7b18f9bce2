import pg from 'pg';
import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from './shared.ts';

const server = sharedServer();

test('a role is refused with SQLSTATE 28P01 for a wrong password and let in with the right one', async () => {
  const role = uniqueName('tusk_role');
  await server.createRole(role, 'right horse battery');
  const { host, port, database } = server;
  const as = (password: string) => new pg.Client({ host, port, database, user: role, password });

  await expect(as('wrong horse battery').connect()).rejects.toMatchObject({ code: '28P01' });

  const client = as('right horse battery');
  await client.connect();
  const { rows } = await client.query('select current_user as me');
  await client.end();
  expect(rows).toEqual([{ me: role }]);
});
