import { afterAll, expect, it } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, delay, startService } from '../../test/helpers.ts';

/*
 * A read-only statement travels with its wrapping (BEGIN READ ONLY, COMMIT) in one write and one
 * Sync, so on a latency link it costs the round trips of the same statement on a read-write
 * connection: one, counted by the link, not timed. Counted twice on the read-only side: a lone
 * plain SELECT, which a direct connection sends unwrapped (read-only.ts's fast lane), and the
 * same SELECT in parentheses, which is wrapped like every other statement.
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
      const side = readonly ? 'read-only' : 'read-write';
      for (const [form, sql] of [
        ['', 'select 1 as one'],
        [' wrapped', '(select 1 as one)'],
      ] as const) {
        if (form && !readonly) continue;
        link.reset();
        const result = await service.query(config.id, sql, [], opts);
        expect(result.rows).toEqual([{ one: 1 }]);
        counts[`${side} ${where}${form}`] = link.turns();
        const wrapping = link.formatTrace().join('\n').includes('Parse(BEGIN READ ONLY)');
        expect([sql, wrapping]).toEqual([sql, readonly && form !== '']);
      }
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
    'read-only unpinned wrapped': 1,
    'read-only session': 1,
    'read-only session wrapped': 1,
  });
});
