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
