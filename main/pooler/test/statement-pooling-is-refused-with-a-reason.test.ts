import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { poolerPerFile } from './helpers.ts';

describe('PgBouncer in statement pooling', () => {
  const fx = poolerPerFile('statement');

  it('refuses a read-only connect with what to change, and is not retried', async () => {
    const { service } = await startService();
    const config = fx.config({ options: { readonly: true } });
    const error = await rejection(service.connect(config, { password: fx.password }));
    expect(error).toMatchObject({ kind: 'ConnectionFailed', code: '08P01' });
    expect(error.message).toContain('statement pooling');
    expect(error.message).toContain('pool_mode');
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    expect(fx.bouncer.alive()).toBe(true);
  });

  it('still connects a connection with nothing to enforce', async () => {
    const { service } = await startService();
    const config = fx.config();
    await service.connect(config, { password: fx.password });
    expect((await service.query(config.id, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
