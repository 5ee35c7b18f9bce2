import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();

describe('state in a session', () => {
  it('SET, PREPARE and a temporary table persist across its statements', async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 10 } });
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const inSession = (sql: string, params: unknown[] = []) =>
      service.query(config.id, sql, params, { sessionId });

    await inSession('set statement_timeout = 4321');
    await inSession('prepare twice(int) as select $1 * 2 as n');
    await inSession('create temporary table scratch (x int)');
    // Unpinned load at the same time, on the pool's other backends.
    const noise = Array.from({ length: 20 }, () => service.query(config.id, 'select 1'));
    for (let i = 0; i < 20; i++) {
      expect((await inSession('show statement_timeout')).rows).toEqual([
        { statement_timeout: '4321ms' },
      ]);
      expect((await inSession(`execute twice(${i})`)).rows).toEqual([{ n: i * 2 }]);
      await inSession('insert into scratch values ($1)', [i]);
    }
    await Promise.all(noise);
    expect((await inSession('select count(*)::int as n from scratch')).rows).toEqual([{ n: 20 }]);
  });

  it('statements sent at once run one after the other, in the order sent', async () => {
    const { service } = await startService();
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'create temporary table seen (i int, at timestamptz)', [], {
      sessionId,
    });
    const sent = Array.from({ length: 30 }, (_, i) =>
      service.query(config.id, 'insert into seen values ($1, clock_timestamp())', [i], {
        sessionId,
      }),
    );
    expect(service.sessionsOf(config.id)).toMatchObject([{ busy: true }]);
    await Promise.all(sent);
    const { rows } = await service.query(config.id, 'select i from seen order by at', [], {
      sessionId,
    });
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(service.sessionsOf(config.id)).toMatchObject([{ busy: false }]);
  });
});
