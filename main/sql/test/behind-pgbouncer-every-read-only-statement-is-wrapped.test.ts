import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLatencyLink, type LatencyLink } from '../../../test/harness/latency-link.ts';
import { bouncerModes, poolerPerFile } from '../../pooler/test/helpers.ts';
import { delay, startService } from '../../test/helpers.ts';

/*
 * read-only.ts's fast lane is for direct connections only: behind PgBouncer the server backends
 * have none of our startup settings (their default_transaction_read_only is off) and each
 * transaction may land on another one, so even a lone plain SELECT goes inside BEGIN READ ONLY
 * ... COMMIT. The link between the service and the pooler names the messages.
 */
describe.each(bouncerModes)('PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);
  let link: LatencyLink;
  beforeAll(async () => {
    link = await createLatencyLink({
      targetHost: fx.bouncer.host,
      targetPort: fx.bouncer.port,
      delayMs: 1,
    });
  });
  afterAll(() => link.close());

  it('a lone plain SELECT, unpinned and in a session, is wrapped in BEGIN READ ONLY', async () => {
    const { service } = await startService();
    const config = fx.config({
      host: link.host,
      port: link.port,
      options: { readonly: true, poolMax: 3 },
    });
    await service.connect(config, { password: fx.password });
    await delay(100); // the control client's traffic passes before anything is traced
    const { sessionId } = await service.openSession(config.id);
    for (const opts of [undefined, { sessionId }]) {
      link.reset();
      const result = await service.query(config.id, 'SELECT 1 AS one', [], opts);
      expect(result.rows).toEqual([{ one: 1 }]);
      const trace = link.formatTrace().join('\n');
      expect(trace).toContain('Parse(BEGIN READ ONLY), Bind, Execute, Parse(SELECT 1 AS one)');
      expect(trace).toContain('Parse(COMMIT)');
    }
    await service.closeSession(sessionId);
  });
});
