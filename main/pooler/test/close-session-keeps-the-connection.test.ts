import { describe, expect, it } from 'vitest';
import { recordStatuses, startService } from '../../test/helpers.ts';
import { bouncerModes, poolerPerFile } from './helpers.ts';

describe.each(bouncerModes)('closeSession through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);

  it('gives the backend back without the connection being taken for lost', async () => {
    const { service } = await startService();
    const events = recordStatuses(service);
    const config = fx.config({ options: { poolMax: 3 } });
    await service.connect(config, { password: fx.password });
    for (let i = 0; i < 5; i++) {
      const { sessionId } = await service.openSession(config.id);
      await service.query(config.id, 'begin', [], { sessionId });
      await service.query(config.id, 'select 1', [], { sessionId });
      await service.closeSession(sessionId);
      expect(service.sessionsOf(config.id)).toEqual([]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const statuses = events.filter((e) => e.connectionId === config.id).map((e) => e.status);
    expect(statuses).toEqual(['connecting', 'connected']);
    const idleInTransaction = await fx.server
      .admin()
      .query(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and state like 'idle in transaction%'",
        [fx.database],
      );
    expect(idleInTransaction.rows).toEqual([{ n: 0 }]);
  });
});
