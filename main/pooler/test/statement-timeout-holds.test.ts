import { describe, expect, it } from 'vitest';
import type { TuskError } from '../../../machines/errors.ts';
import { rejection, startService } from '../../test/helpers.ts';
import { bouncerModes, poolerPerFile } from './helpers.ts';

describe.each(bouncerModes)('statement timeout through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);

  it('cancels every statement that runs longer, on whichever server backend it lands', async () => {
    const { service } = await startService();
    const config = fx.config({ options: { statementTimeoutMs: 200, poolMax: 6 } });
    await service.connect(config, { password: fx.password });
    const other = await fx.client();
    await other.query('begin');
    await other.query('select 1');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => service.query(config.id, 'select pg_sleep(3)')),
    );
    await other.query('rollback');
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as TuskError).code : 'finished',
    );
    expect(codes).toEqual(Array(10).fill('57014'));
    // A user's own SET does not lift it either: every statement gets its own transaction's.
    await service.query(config.id, 'set statement_timeout = 0');
    expect((await rejection(service.query(config.id, 'select pg_sleep(3)'))).code).toBe('57014');
    const quick = await service.query(config.id, 'select 1 as one');
    expect(quick.rows).toEqual([{ one: 1 }]);
  });

  it('holds inside a session transaction too', async () => {
    const { service } = await startService();
    const config = fx.config({ options: { statementTimeoutMs: 200, poolMax: 4 } });
    await service.connect(config, { password: fx.password });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'begin', [], { sessionId });
    await service.query(config.id, 'select 1', [], { sessionId });
    const slow = await rejection(service.query(config.id, 'select pg_sleep(3)', [], { sessionId }));
    expect(slow.code).toBe('57014');
    expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'failed' }]);
    await service.query(config.id, 'rollback', [], { sessionId });
    expect(service.sessionsOf(config.id)).toMatchObject([{ transaction: 'idle' }]);
  });
});
