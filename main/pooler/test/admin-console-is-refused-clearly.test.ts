import { describe, expect, it } from 'vitest';
import { ADMIN_DATABASE } from '../../../test/harness/pgbouncer.ts';
import { rejection, startService } from '../../test/helpers.ts';
import { poolerPerFile } from './helpers.ts';

describe("PgBouncer's admin console", () => {
  const fx = poolerPerFile('transaction');

  it('is refused with one sentence that says what it is, not an error about our check query', async () => {
    // The harness makes the fixture's role the pooler's admin, so the login itself succeeds.
    expect(await fx.bouncer.admin('SHOW POOLS')).not.toHaveLength(0);
    const { service } = await startService();
    const config = fx.config({ database: ADMIN_DATABASE });
    const error = await rejection(service.connect(config, { password: fx.password }));
    expect(error.kind).toBe('ConnectionFailed');
    expect(error.message).toMatch(/^This is PgBouncer's admin console/);
    expect(error.message).not.toMatch(/current_setting|SHOW HELP/);
    expect(await service.getConnectionStatus(config.id)).toBe('error');
  });
});
