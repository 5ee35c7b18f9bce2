import { expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

it('a read-only connection refuses writes with SQLSTATE 25006 and stays connected', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { readonly: true } });
  await service.connect(config, { password: server.password });
  const table = uniqueName('ro_table');

  const error = await rejection(service.query(config.id, `create table ${table} (n int)`));

  expect(error).toMatchObject({ kind: 'QueryFailed', code: '25006' });
  expect(error.message).toMatch(/read-only transaction/);
  await expect(service.query(config.id, 'select 1 as one')).resolves.toMatchObject({
    rows: [{ one: 1 }],
  });
  expect(await service.getConnectionStatus(config.id)).toBe('connected');
  const { rows } = await server.admin().query('select to_regclass($1) as t', [table]);
  expect(rows[0].t).toBeNull();
});

it('every pooled connection is read-only, not just the first one', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { readonly: true, poolMax: 4 } });
  await service.connect(config, { password: server.password });

  // Held at once, these need every client of the pool (poolMax 4 = 3 pooled + 1 control).
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      service.query(
        config.id,
        "select pg_backend_pid() as pid, current_setting('transaction_read_only') as ro, pg_sleep(0.2)",
      ),
    ),
  );
  const writes = await Promise.all(
    Array.from({ length: 6 }, () =>
      rejection(service.query(config.id, 'select pg_sleep(0.1); create temp table t (n int)')),
    ),
  );

  const rows = results.map((r) => r.rows[0] as { pid: number; ro: string });
  expect(new Set(rows.map((r) => r.pid)).size).toBe(3);
  expect(rows.every((r) => r.ro === 'on')).toBe(true);
  expect(writes.map((e) => e.code)).toEqual(Array(6).fill('25006'));
});

it('a connection that is not read-only can write', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });

  await expect(
    service.query(config.id, 'create temp table t (n int); insert into t values (1), (2)'),
  ).resolves.toMatchObject({ rowCount: 2 });
});

it('connect with a config turned read-only while connected refuses writes from then on', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });

  const readonly = { ...config, options: { ...config.options, readonly: true } };
  await service.connect(readonly, { password: server.password });

  const error = await rejection(service.query(config.id, 'create temp table t (n int)'));
  expect(error).toMatchObject({ kind: 'QueryFailed', code: '25006' });
});
