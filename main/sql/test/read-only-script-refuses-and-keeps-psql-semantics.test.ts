import { expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor, startService } from '../../test/helpers.ts';

const server = sharedServer();

it("pg_dumpall's preamble plus an INSERT: refused at its first statement, the table unchanged", async () => {
  const table = uniqueName('ro_dump');
  await server.admin().query(`create table ${table} (x int)`);
  const { service } = await startService();
  const config = configFor(server, { options: { readonly: true } });
  await service.connect(config, { password: server.password });
  const dump = [
    '--',
    '-- PostgreSQL database cluster dump',
    '--',
    '',
    'SET default_transaction_read_only = off;',
    '',
    "SET client_encoding = 'UTF8';",
    '\\connect postgres',
    'COMMIT;',
    `INSERT INTO ${table} VALUES (1);`,
  ].join('\n');

  const plan = await service.planSql(config.id, dump);
  expect(plan.statements.map((s) => [s.line, s.command, s.refusal !== undefined])).toEqual([
    [5, 'SET', true],
    [7, 'SET', false],
    [8, '\\connect', true],
    [9, 'COMMIT', false],
    [10, 'INSERT', false],
  ]);
  const stopped = await service.runScript(config.id, dump);
  expect(stopped.stoppedAt).toBe(0);
  const [first] = stopped.steps;
  expect(first?.ok).toBe(false);
  if (first?.ok !== false) throw new Error('the first statement should be refused');
  expect(first.error).toMatchObject({ code: '25006', position: dump.indexOf('SET') + 1 });
  expect(first.error.message).toMatch(/read-only.*Edit → Safety/);

  const all = await service.runScript(config.id, dump, { onError: 'continue' });
  expect(all.steps.map((s) => (s.ok ? 'ok' : s.error.code))).toEqual([
    '25006',
    'ok',
    '42601',
    'ok',
    '25006',
  ]);
  const meta = all.steps[2];
  if (meta?.ok !== false) throw new Error('the meta-command should be refused');
  expect(meta.error.message).toMatch(/Line 8 is the psql meta-command \\connect/);
  const { rows } = await server.admin().query(`select count(*)::int as n from ${table}`);
  expect(rows).toEqual([{ n: 0 }]);
});

it('a read-only session keeps BEGIN/ROLLBACK and SET search_path across calls', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { readonly: true } });
  await service.connect(config, { password: server.password });
  const { sessionId } = await service.openSession(config.id);
  const q = (sql: string) => service.query(config.id, sql, [], { sessionId });

  // Positions, as on a read-write connection: 1-based JavaScript characters of the script.
  const typo = "select '🐘 é';\nselect '🐘', nope_col from pg_class";
  const failed = await service.runScript(config.id, typo, { sessionId });
  const second = failed.steps[1];
  if (second?.ok !== false) throw new Error('the second statement should fail');
  expect(second.error).toMatchObject({ code: '42703', position: typo.indexOf('nope_col') + 1 });

  await q('set search_path = pg_catalog, public');
  await q('begin');
  const inside = await q(
    "select txid_current_if_assigned() as x, current_setting('transaction_read_only') as ro",
  );
  expect(inside.rows).toEqual([{ x: null, ro: 'on' }]);
  expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'in-transaction' }]);
  await expect(q('select 1/0')).rejects.toMatchObject({ code: '22012' });
  expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'failed' }]);
  await q('rollback');
  expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'idle' }]);
  expect((await q('show search_path')).rows).toEqual([{ search_path: 'pg_catalog, public' }]);
  await service.closeSession(sessionId);
});
