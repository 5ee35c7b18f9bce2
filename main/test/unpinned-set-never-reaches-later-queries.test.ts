import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

describe('SET and PREPARE outside a session', () => {
  it('hold for no later query, instead of for whichever lands on the same backend', async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 4, statementTimeoutMs: 5000 } });
    await service.connect(config, { password: server.password });
    await service.query(config.id, 'set statement_timeout = 0');
    await service.query(config.id, "set application_name = 'not_ours'; select 1");
    await service.query(config.id, 'prepare p as select 1');
    const later = await Promise.all(
      Array.from({ length: 20 }, () =>
        service.query(
          config.id,
          "select current_setting('statement_timeout') as t, current_setting('application_name') as a",
        ),
      ),
    );
    expect(new Set(later.map((r) => r.rows[0]?.t))).toEqual(new Set(['5s']));
    expect(new Set(later.map((r) => r.rows[0]?.a))).toEqual(
      new Set([config.options.applicationName]),
    );
    for (let i = 0; i < 6; i++) {
      expect((await rejection(service.query(config.id, 'execute p'))).code).toBe('26000');
    }
  });
});
