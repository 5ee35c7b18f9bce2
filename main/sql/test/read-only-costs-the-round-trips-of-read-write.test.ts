import { afterAll, expect, it } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, delay, startService } from '../../test/helpers.ts';

/*
 * A read-only statement travels with its wrapping (BEGIN READ ONLY, the snapshot's SELECT 1,
 * COMMIT) in one write and one Sync, so on a latency link it costs the round trips of the same
 * statement on a read-write connection: one, counted by the link, not timed.
 */
const server = sharedServer();
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: 20,
});
afterAll(() => link.close());
const viaLink = { ...server, host: link.host, port: link.port };

it('a read-only statement, unpinned and in a session, costs the round trips of a read-write one', async () => {
  const { service } = await startService();
  const counts: Record<string, number> = {};
  for (const readonly of [false, true]) {
    const config = configFor(viaLink, { options: { readonly, poolMax: 4 } });
    await service.connect(config, { password: server.password });
    // The control client opens behind `connected`: let its traffic pass before counting.
    await delay(300);
    const measure = async (where: string, opts?: { sessionId: string }) => {
      link.reset();
      const result = await service.query(config.id, 'select 1 as one', [], opts);
      expect(result.rows).toEqual([{ one: 1 }]);
      counts[`${readonly ? 'read-only' : 'read-write'} ${where}`] = link.turns();
    };
    await measure('unpinned');
    // The session takes the pooled backend; the pool's next one opens now, not while counted.
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'select 1');
    await measure('session', { sessionId });
    link.reset();
    const refused = await service.query(config.id, 'create table never (x int)').catch((e) => e);
    if (readonly) expect(refused.code).toBe('25006');
    else await service.query(config.id, 'drop table never');
    await service.closeSession(sessionId);
    await service.disconnect(config.id);
  }
  expect(counts, link.formatTrace().join('\n')).toEqual({
    'read-write unpinned': 1,
    'read-write session': 1,
    'read-only unpinned': 1,
    'read-only session': 1,
  });
});
