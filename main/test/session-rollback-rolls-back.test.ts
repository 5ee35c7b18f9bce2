import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();

describe('a transaction in a session', () => {
  it('ROLLBACK rolls back all five INSERTs, and the view follows the transaction', async () => {
    const { service } = await startService();
    const table = uniqueName('t');
    await server.admin().query(`create table ${table} (x int)`);
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const changes: string[] = [];
    const stop = service.onSessionsChange((id) => changes.push(id));
    const { sessionId } = await service.openSession(config.id);
    const inSession = (sql: string) => service.query(config.id, sql, [], { sessionId });

    await inSession('begin');
    for (let i = 0; i < 5; i++) await inSession(`insert into ${table} values (${i})`);
    expect(service.sessionsOf(config.id)).toEqual([
      { sessionId, transaction: 'in-transaction', busy: false, statePersists: true },
    ]);
    // Unpinned queries meanwhile see nothing of it, and do not run inside it.
    const outside = await service.query(config.id, `select count(*)::int as n from ${table}`);
    expect(outside.rows).toEqual([{ n: 0 }]);
    await inSession('rollback');
    expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'idle' }]);

    const { rows } = await server.admin().query(`select count(*)::int as n from ${table}`);
    expect(rows).toEqual([{ n: 0 }]);
    const idleInTransaction = (
      await server.backends({ applicationName: config.options.applicationName })
    ).filter((b) => b.state === 'idle in transaction');
    expect(idleInTransaction).toEqual([]);
    expect(changes.every((id) => id === config.id)).toBe(true);
    expect(changes.length).toBeGreaterThanOrEqual(4);
    stop();
  });

  it('a failed statement leaves the transaction failed until ROLLBACK', async () => {
    const { service } = await startService();
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'begin', [], { sessionId });
    await service.query(config.id, 'select 1/0', [], { sessionId }).catch(() => undefined);
    expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'failed' }]);
    const refused = await service
      .query(config.id, 'select 1', [], { sessionId })
      .catch((error: { code?: string }) => error);
    expect(refused).toMatchObject({ code: '25P02' });
    await service.query(config.id, 'rollback', [], { sessionId });
    expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'idle' }]);
    expect((await service.query(config.id, 'select 1 as one', [], { sessionId })).rows).toEqual([
      { one: 1 },
    ]);
  });
});
