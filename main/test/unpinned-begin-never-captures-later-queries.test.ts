import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

describe('a transaction opened outside a session', () => {
  it('is rolled back at once, the caller told, and no later query runs inside it', async () => {
    const { service } = await startService();
    const table = uniqueName('t');
    await server.admin().query(`create table ${table} (x int)`);
    const config = configFor(server, { options: { poolMax: 3 } });
    await service.connect(config, { password: server.password });

    const begin = await rejection(service.query(config.id, 'begin'));
    expect(begin).toMatchObject({ kind: 'QueryFailed', code: 'TRANSACTION_NOT_KEPT' });
    expect(begin.message).toContain('Open a session');
    const insideOne = await rejection(
      service.query(config.id, `begin; insert into ${table} values (-1)`),
    );
    expect(insideOne.code).toBe('TRANSACTION_NOT_KEPT');
    const failed = await rejection(service.query(config.id, 'begin; select 1/0'));
    expect(failed.code).toBe('22012');

    // Twenty more, concurrently, over the pool's two backends: each commits on its own.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        service.query(config.id, `insert into ${table} values ($1)`, [i]),
      ),
    );
    const { rows } = await server.admin().query(`select count(*)::int as n from ${table}`);
    expect(rows).toEqual([{ n: 20 }]);
    const backends = await server.backends({ applicationName: config.options.applicationName });
    expect(backends.filter((b) => b.state?.startsWith('idle in transaction'))).toEqual([]);
  });
});
