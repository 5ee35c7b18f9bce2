import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { type PgServer, startPostgres } from './postgres.ts';

let server: PgServer | undefined;
afterAll(() => server?.dispose());

const connect = async ({ host, port, user, password, database }: PgServer) => {
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  return client;
};

test('a stopped server refuses connections, and starts again on the same port with its data', async () => {
  server = await startPostgres();
  const { port } = server;
  await server.admin().query('create table kept (n int); insert into kept values (42)');

  for (let round = 1; round <= 3; round++) {
    await server.stop();
    await server.stop();
    await expect(connect(server)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await server.start();
    await server.start();
    expect(server.port).toBe(port);
    const client = await connect(server);
    const { rows } = await client.query('select n from kept');
    await client.end();
    expect(rows).toEqual([{ n: 42 }]);
  }
});

test('stop() ends open sessions instead of waiting for them', async () => {
  server ??= await startPostgres();
  const client = await connect(server);
  const errors: Error[] = [];
  client.on('error', (error) => errors.push(error));
  await server.stop();
  await expect.poll(() => errors[0]).toMatchObject({ code: '57P01' });
  await server.start();
});
