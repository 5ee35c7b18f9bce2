import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

describe('cancel(sessionId)', () => {
  it('stops the running statement on the server; and the session goes on', async () => {
    const { service } = await startService();
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const app = config.options.applicationName;
    await service.query(config.id, 'select 1', [], { sessionId });
    // Nothing runs: a cancel is a no-op, and cannot hit the next statement.
    await service.cancel(sessionId);
    const sleeping = rejection(service.query(config.id, 'select pg_sleep(30)', [], { sessionId }));
    await expect
      .poll(async () => (await server.backends({ applicationName: app })).map((b) => b.state))
      .toContain('active');
    await service.cancel(sessionId);
    expect((await sleeping).code).toBe('57014');
    const states = (await server.backends({ applicationName: app })).map((b) => b.state);
    expect(states).not.toContain('active');
    expect((await service.query(config.id, 'select 3 as n', [], { sessionId })).rows).toEqual([
      { n: 3 },
    ]);
  });
});
