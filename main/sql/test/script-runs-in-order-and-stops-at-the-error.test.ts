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
