import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { poolerPerFile } from './helpers.ts';

describe("PgBouncer's own refusals, from a real PgBouncer", () => {
  const fx = poolerPerFile('transaction', { max_client_conn: 3 });

  it('a missing database is 3D000, not retried, with a hint', async () => {
    const { service } = await startService();
    const config = fx.config({ database: 'no_such_database_here' });
    const error = await rejection(service.connect(config, { password: fx.password }));
    expect(error).toMatchObject({ kind: 'ConnectionFailed', code: '3D000' });
    expect(error.hint).toContain('no_such_database_here');
    expect(await service.getConnectionStatus(config.id)).toBe('error');
  });

  it('a full pooler (max_client_conn) is 53300, with a hint naming the setting', async () => {
    const held = await Promise.all([fx.client(), fx.client(), fx.client()]);
    const { service } = await startService();
    const config = fx.config({ options: { poolMax: 1 } });
    const error = await rejection(service.connect(config, { password: fx.password }));
    expect(error).toMatchObject({ kind: 'ConnectionFailed', code: '53300' });
    expect(error.hint).toContain('max_client_conn');
    await Promise.all(held.map((c) => c.end()));
    expect(await fx.bouncer.serving(fx.user, fx.database)).toBe(true);
  });
});
