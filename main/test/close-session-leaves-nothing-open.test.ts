import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

const count = async (table: string) =>
  (await server.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

describe('closeSession', () => {
  it('with an open transaction leaves no row and no backend idle in transaction', async () => {
    const { service } = await startService();
    const table = uniqueName('t');
    await server.admin().query(`create table ${table} (x int)`);
    const config = configFor(server, { options: { poolMax: 3 } });
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const inSession = (sql: string) => service.query(config.id, sql, [], { sessionId });
    await inSession('begin');
    await inSession(`insert into ${table} values (1)`);
    await inSession("set application_name = 'leaked'");
    await inSession('prepare leaked as select 1');
    await inSession('commit');
    await inSession('begin');
    await inSession(`insert into ${table} values (2)`);

    await service.closeSession(sessionId);
    expect(await count(table)).toBe(1);
    const backends = await server.backends();
    expect(
      backends.filter((b) => b.state === 'idle in transaction' && b.query.includes(table)),
    ).toEqual([]);
    expect(backends.filter((b) => b.application_name === 'leaked')).toEqual([]);
    expect(service.sessionsOf(config.id)).toEqual([]);
    // The backend went back reset: with poolMax 3 the pool has two, and neither knows `leaked`.
    for (let i = 0; i < 6; i++) {
      const error = await rejection(service.query(config.id, 'execute leaked'));
      expect(error.code).toBe('26000');
    }
    const after = await rejection(service.query(config.id, 'select 1', [], { sessionId }));
    expect(after).toMatchObject({ kind: 'InvalidInput', field: 'sessionId' });
    await service.closeSession(sessionId);
  });

  it("resets the backend to the connection's own settings, not the server's defaults", async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 3, statementTimeoutMs: 1234 } });
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'set statement_timeout = 0', [], { sessionId });
    await service.closeSession(sessionId);
    const shown = await Promise.all(
      Array.from({ length: 6 }, () => service.query(config.id, 'show statement_timeout')),
    );
    expect(shown.map((r) => r.rows[0]?.statement_timeout)).toEqual(Array(6).fill('1234ms'));
  });

  it('cancels a running statement first', async () => {
    const { service } = await startService();
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const sleeping = rejection(service.query(config.id, 'select pg_sleep(30)', [], { sessionId }));
    const queued = rejection(service.query(config.id, 'select 1', [], { sessionId }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await service.closeSession(sessionId);
    expect((await sleeping).code).toBe('57014');
    expect((await queued).kind).toBe('NotConnected');
    const app = config.options.applicationName;
    expect(
      (await server.backends({ applicationName: app })).filter((b) => b.state === 'active'),
    ).toEqual([]);
  });

  it('disconnect with an open session rolls it back and leaves no backend', async () => {
    const { service } = await startService();
    const table = uniqueName('t');
    await server.admin().query(`create table ${table} (x int)`);
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'begin', [], { sessionId });
    await service.query(config.id, `insert into ${table} values (1)`, [], { sessionId });
    await service.disconnect(config.id);
    expect(await count(table)).toBe(0);
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
    expect(service.sessionsOf(config.id)).toEqual([]);
  });
});
