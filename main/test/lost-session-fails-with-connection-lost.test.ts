import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, rejection, startService, untilStatus } from './helpers.ts';

const server = sharedServer();

describe('a session whose backend is lost', () => {
  it('fails its next query and every later one with ConnectionLost; nothing is replayed', async () => {
    const { service } = await startService();
    const table = uniqueName('t');
    await server.admin().query(`create table ${table} (x int)`);
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const inSession = (sql: string) => service.query(config.id, sql, [], { sessionId });
    await inSession('begin');
    await inSession(`insert into ${table} values (1)`);
    const { rows } = await inSession('select pg_backend_pid() as pid');

    await server.admin().query('select pg_terminate_backend($1, 5000)', [rows[0]!.pid]);
    const first = await rejection(inSession(`insert into ${table} values (2)`));
    expect(first.kind).toBe('ConnectionLost');
    expect(first.message).toContain('open transaction is gone');
    expect(first.message).toContain('Nothing was replayed');
    expect(service.sessionsOf(config.id)).toMatchObject([{ sessionId, transaction: 'lost' }]);

    // The connection itself comes back, and unpinned queries work; the session does not.
    await untilStatus(service, config.id, 'connected');
    expect((await service.query(config.id, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
    for (let i = 0; i < 3; i++) {
      expect((await rejection(inSession('select 1'))).kind).toBe('ConnectionLost');
    }
    const { rows: left } = await server.admin().query(`select count(*)::int as n from ${table}`);
    expect(left).toEqual([{ n: 0 }]);
    await service.closeSession(sessionId);
    expect(service.sessionsOf(config.id)).toEqual([]);
    // A new session works on the new pool.
    const again = await service.openSession(config.id);
    expect(
      (await service.query(config.id, 'select 1 as one', [], { sessionId: again.sessionId })).rows,
    ).toEqual([{ one: 1 }]);
  });
});
