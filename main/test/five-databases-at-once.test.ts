import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();
const databases = Array.from({ length: 5 }, () => uniqueName('five_db'));

beforeAll(() => Promise.all(databases.map((name) => server.createDatabase(name))));
afterAll(async () => {
  for (const name of databases) {
    await server.admin().query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  }
});

it('five connections to five databases at once: every query is answered by its own database', async () => {
  const { service } = await startService();
  const configs = databases.map((database) => configFor({ ...server, database }));

  const infos = await Promise.all(
    configs.map((config) => service.connect(config, { password: server.password })),
  );
  // Interleaved: ten queries per connection, all in flight together.
  const answers = await Promise.all(
    configs.flatMap((config) =>
      Array.from({ length: 10 }, async () => {
        const { rows } = await service.query(
          config.id,
          'select current_database() as db, pg_sleep(random() * 0.05)',
        );
        return { expected: config.database, got: rows[0]!.db };
      }),
    ),
  );

  expect(infos.map((i) => i.currentDatabase)).toEqual(databases);
  expect(answers.filter((a) => a.got !== a.expected)).toEqual([]);
  expect(answers).toHaveLength(50);
  for (const config of configs) {
    expect(await service.getConnectionStatus(config.id)).toBe('connected');
    const backends = await server.backends({ applicationName: config.options.applicationName });
    expect(backends.length).toBeGreaterThan(0);
    expect(new Set(backends.map((b) => b.datname))).toEqual(new Set([config.database]));
  }
});

it('disconnecting one of several connections leaves the others working', async () => {
  const { service } = await startService();
  const configs = databases.map((database) => configFor({ ...server, database }));
  await Promise.all(configs.map((c) => service.connect(c, { password: server.password })));
  const [gone, ...kept] = configs;

  await service.disconnect(gone!.id);

  expect(await server.backends({ applicationName: gone!.options.applicationName })).toEqual([]);
  for (const config of kept) {
    await expect(
      service.query(config.id, 'select current_database() as db'),
    ).resolves.toMatchObject({ rows: [{ db: config.database }] });
  }
});
