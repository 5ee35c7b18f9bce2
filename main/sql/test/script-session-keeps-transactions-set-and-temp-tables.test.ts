import { expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, startService } from '../../test/helpers.ts';

const server = sharedServer();

it('a session keeps BEGIN/ROLLBACK, SET and temporary tables across script calls', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  const { sessionId } = await service.openSession(config.id);
  const run = (sql: string) => service.runScript(config.id, sql, { sessionId });

  const first = await run(
    'create temp table kept (x int); set search_path = pg_temp, public; begin; insert into kept values (1)',
  );
  expect(first.steps.every((s) => s.ok)).toBe(true);
  expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'in-transaction' }]);
  const second = await run(
    'select count(*)::int as n from kept; rollback; select count(*)::int as n from kept; show search_path',
  );
  expect(second.steps.map((s) => (s.ok ? s.result.rows : s.error.message))).toEqual([
    [{ n: 1 }],
    [],
    [{ n: 0 }],
    [{ search_path: 'pg_temp, public' }],
  ]);
  await service.closeSession(sessionId);
});
