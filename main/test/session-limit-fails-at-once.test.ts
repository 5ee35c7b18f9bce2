import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

describe('how many sessions a connection allows', () => {
  // A wait for a backend would take connectTimeoutSec (30 s) and fail this test's 5 s timeout.
  it('poolMax - 2 sessions open; one more fails at once with a clear error', {
    timeout: 5_000,
  }, async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 5, connectTimeoutSec: 30 } });
    await service.connect(config, { password: server.password });
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await service.openSession(config.id));
    const refused = await rejection(service.openSession(config.id));
    expect(refused.code).toBe('SESSION_LIMIT');
    expect(refused.message).toContain('poolMax 5');
    // Unpinned queries still have their backend, while every session holds one.
    expect((await service.query(config.id, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
    const backends = await server.backends({ applicationName: config.options.applicationName });
    expect(backends.length).toBeLessThanOrEqual(5);
    await service.closeSession(open[0]!.sessionId);
    await service.openSession(config.id);
  });

  it('a burst of opens gets exactly the limit, the rest refused at once', {
    timeout: 5_000,
  }, async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 6, connectTimeoutSec: 30 } });
    await service.connect(config, { password: server.password });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => service.openSession(config.id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : []));
    expect(refused).toEqual(Array(8).fill('SESSION_LIMIT'));
    expect(service.sessionsOf(config.id)).toHaveLength(4);
  });

  it('with poolMax 2 there is none to spare, and the error says what to raise', async () => {
    const { service } = await startService();
    const config = configFor(server, { options: { poolMax: 2, connectTimeoutSec: 30 } });
    await service.connect(config, { password: server.password });
    const refused = await rejection(service.openSession(config.id));
    expect(refused).toMatchObject({ code: 'SESSION_LIMIT' });
    expect(refused.message).toContain('raise poolMax to 3');
  });
});
