import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { sharedServer, uniqueName } from './shared.ts';

const server = sharedServer();
const clients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
});

async function open(application_name: string) {
  const { host, port, user, password, database } = server;
  const client = new pg.Client({ host, port, user, password, database, application_name });
  const errors: (Error & { code?: string })[] = [];
  client.on('error', (error) => errors.push(error));
  await client.connect();
  clients.push(client);
  return { client, errors };
}

test('backends() lists the matching client backends and never the harness admin pool', async () => {
  const app = uniqueName('backends');
  const [a, b] = await Promise.all([open(app), open(app)]);
  const pids = await Promise.all(
    [a, b].map(
      async ({ client }) => (await client.query('select pg_backend_pid() as p')).rows[0].p,
    ),
  );

  const rows = await server.backends({ applicationName: app, user: server.user });
  expect(rows.map((r) => r.pid).sort()).toEqual(pids.sort());
  expect(rows[0]).toMatchObject({ datname: 'postgres', backend_type: 'client backend' });
  const all = await server.backends();
  expect(all.some((r) => r.application_name === 'tusk-harness')).toBe(false);
});

test('terminate() kills the matching backends and returns once they are gone', async () => {
  const app = uniqueName('terminate');
  const bystander = await open(uniqueName('bystander'));
  const victims = await Promise.all([open(app), open(app)]);

  const killed = await server.terminate({ applicationName: app });

  expect(killed).toHaveLength(2);
  expect(await server.backends({ applicationName: app })).toEqual([]);
  await expect.poll(() => victims.map((v) => v.errors[0]?.code)).toEqual(['57P01', '57P01']);
  await expect(bystander.client.query('select 1 as one')).resolves.toMatchObject({
    rows: [{ one: 1 }],
  });
});

test('terminate() refuses an empty filter, which would hit other test files on the shared server', async () => {
  await expect(server.terminate({})).rejects.toThrow(/needs a filter/);
});
