import { expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, startService } from '../../test/helpers.ts';

const server = sharedServer();

/** 20 statements; the 7th reads a table that does not exist. Non-ASCII text comes before it. */
const script = [
  "-- café ☕ 🐘: a script's own comment\ncreate temp table items (n int, label text)",
  "insert into items values (1, 'één')",
  "insert into items values (2, '🐘🐘')",
  'select count(*)::int as n from items',
  "update items set label = label || '!' where n = 1",
  'select label from items order by n',
  "select '🐘' as e, * from missing_table_of_the_seventh",
  ...Array.from({ length: 13 }, (_, i) => `select ${i + 8} as k`),
].join(';\n');

it('a 20-statement script runs in order, each with its result; statement 7 stops it with its position', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });

  const stopped = await service.runScript(config.id, script);
  expect(stopped.stoppedAt).toBe(6);
  expect(stopped.steps.map((s) => [s.index, s.command, s.ok])).toEqual([
    [0, 'CREATE TABLE', true],
    [1, 'INSERT', true],
    [2, 'INSERT', true],
    [3, 'SELECT', true],
    [4, 'UPDATE', true],
    [5, 'SELECT', true],
    [6, 'SELECT', false],
  ]);
  const seventh = stopped.steps[6]!;
  if (seventh.ok) throw new Error('statement 7 should have failed');
  expect(seventh.line).toBe(8);
  expect(seventh.error).toMatchObject({ kind: 'QueryFailed', code: '42P01' });
  expect(seventh.error.position).toBe(script.indexOf('missing_table_of_the_seventh') + 1);
  const results = stopped.steps.map((s) => (s.ok ? s.result : null));
  expect(results[3]?.rows).toEqual([{ n: 2 }]);
  expect(results[4]?.rowCount).toBe(1);
  expect(results[5]?.rows).toEqual([{ label: 'één!' }, { label: '🐘🐘' }]);

  const all = await service.runScript(config.id, script, { onError: 'continue' });
  expect(all.stoppedAt).toBeUndefined();
  expect(all.steps).toHaveLength(20);
  expect(all.steps.filter((s) => !s.ok).map((s) => s.index)).toEqual([6]);
  expect(all.steps.slice(7).map((s) => (s.ok ? s.result.rows[0] : null))).toEqual(
    Array.from({ length: 13 }, (_, i) => ({ k: i + 8 })),
  );
});

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

it('cancel stops the script at the running statement', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  const { sessionId } = await service.openSession(config.id);
  const running = service.runScript(config.id, 'select 1; select pg_sleep(30); select 2', {
    sessionId,
    onError: 'continue',
  });
  const sleeping = async () =>
    (await server.backends({ applicationName: config.options.applicationName })).some(
      (b) => b.state === 'active' && b.query.includes('pg_sleep'),
    );
  for (let tries = 0; !(await sleeping()); tries++) {
    if (tries > 500) throw new Error('the sleep never ran');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await service.cancel(sessionId);
  const result = await running;
  expect(result.stoppedAt).toBe(1);
  expect(result.steps.map((s) => (s.ok ? 'ok' : s.error.code))).toEqual(['ok', '57014']);
  await service.closeSession(sessionId);
});
