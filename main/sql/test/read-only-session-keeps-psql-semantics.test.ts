import { expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, startService } from '../../test/helpers.ts';

const server = sharedServer();

it('a read-only session keeps BEGIN/ROLLBACK, SET TRANSACTION ISOLATION and SET search_path across calls', async () => {
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
  await q('set transaction isolation level repeatable read');
  expect((await q('show transaction_isolation')).rows).toEqual([
    { transaction_isolation: 'repeatable read' },
  ]);
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
