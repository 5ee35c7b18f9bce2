import { afterAll, expect, it } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor, delay, startService } from '../../test/helpers.ts';
import { liftProcedure } from './escapes.ts';

/*
 * read-only.ts's fast lane: on a direct connection a lone plain SELECT goes as one
 * Parse/Bind/Describe/Execute/Sync, without BEGIN READ ONLY and COMMIT. The link names the
 * messages of each call, so each case below shows that it took the lane, and then that the
 * server refused what it tried (rows counted through another connection).
 */
const server = sharedServer();
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: 1,
});
afterAll(() => link.close());

const table = uniqueName('ro_lane');
const lift = uniqueName('ro_lane_lift');
const rows = async () =>
  (await server.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

it('a lone SELECT goes as one unwrapped Parse, and no SELECT sent so writes anything', async () => {
  await server.admin().query(`create table ${table} (x int)`);
  await server.admin().query(liftProcedure(table, lift));
  const { service } = await startService();
  const config = configFor(
    { ...server, host: link.host, port: link.port },
    { options: { readonly: true, poolMax: 3 } },
  );
  await service.connect(config, { password: server.password });
  await delay(100); // the control client's traffic passes before anything is traced
  const { sessionId } = await service.openSession(config.id);
  const run = async (sql: string, params: unknown[] = []) => {
    link.reset();
    const answer = await service
      .query(config.id, sql, params, { sessionId })
      .then((r) => ({ rows: r.rows, code: undefined }))
      .catch((e: { code?: string }) => ({ rows: [], code: e.code }));
    return { ...answer, trace: link.formatTrace().join('\n') };
  };
  const unwrapped = (trace: string, sql: string) => {
    expect(trace).toContain(`Parse(${sql.replace(/\s+/g, ' ').slice(0, 20)}`);
    expect(trace).not.toContain('BEGIN READ ONLY');
    expect(trace).not.toContain('Query(');
  };

  const plain = await run('SELECT 1 AS one');
  expect(plain.rows).toEqual([{ one: 1 }]);
  expect(plain.trace).toBe(
    'RTT 1: Parse(SELECT 1 AS one), Bind, Describe, Execute, Sync → ParseComplete, ' +
      'BindComplete, RowDescription, DataRow, CommandComplete, ReadyForQuery',
  );

  // With parameters pg writes the messages (read-only.ts leaves it the values): unwrapped too.
  const withValues = await run('SELECT $1::int AS n', [5]);
  expect(withValues.rows).toEqual([{ n: 5 }]);
  unwrapped(withValues.trace, 'SELECT $1::int AS n');

  // Each is refused by the read-only transaction the SELECT itself runs in.
  for (const sql of [
    `SELECT set_config(lower('TRANSACTION_READ_ONLY'), 'off', false)`,
    `SELECT ${lift}_commit()`,
    `SELECT ${lift}_rw()`,
    `SELECT ${lift}_insert()`,
  ]) {
    const refused = await run(sql);
    expect([sql, refused.code]).toEqual([sql, '25006']);
    unwrapped(refused.trace, sql);
  }

  // A default turned off inside the SELECT holds for no later statement: the server reports
  // it, the client restores it before the next one, and that one is wrapped again.
  const off = await run(`SELECT ${lift}_default()`);
  expect(off.rows).toEqual([{ [`${lift}_default`]: 1 }]);
  unwrapped(off.trace, `SELECT ${lift}_default()`);
  expect(off.trace).toContain('ParameterStatus');
  const next = await run(`SELECT ${lift}_insert()`);
  expect(next.code).toBe('25006');
  expect(next.trace).toContain('Query(SET default_transaction_read_only = on)');
  expect((await run('SHOW default_transaction_read_only')).rows).toEqual([
    { default_transaction_read_only: 'on' },
  ]);

  // The server may read a text otherwise than the parser: still one Parse, still a SELECT.
  expect((await run('SET standard_conforming_strings = off')).code).toBeUndefined();
  const split = `SELECT 'x\\'\n' ; SET default_transaction_read_only = off; COMMIT; INSERT INTO ${table} VALUES (40); SELECT 1 --'`;
  const splitAnswer = await run(split);
  expect(splitAnswer.code).toBe('42601'); // cannot insert multiple commands into a prepared statement
  unwrapped(splitAnswer.trace, split);
  const into = `SELECT 'x\\', ' INTO ${table}_new --'`;
  const intoAnswer = await run(into);
  expect(intoAnswer.code).toBe('25006'); // to the server: SELECT ... INTO, a write
  unwrapped(intoAnswer.trace, into);
  const created = await server.admin().query(`select to_regclass('${table}_new') as t`);
  expect(created.rows).toEqual([{ t: null }]);

  expect(await rows()).toBe(0);
  expect((await run('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  await service.closeSession(sessionId);
});
