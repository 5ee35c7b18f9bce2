import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { type PgServer, startPostgres } from '../../../test/harness/postgres.ts';
import { makeTlsFixtures, type TlsFixtures } from '../../../test/harness/tls.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const { effects, actors } = effectsPerTest();
let server: PgServer;
let proxy: FaultProxy;
let tls: TlsFixtures;

// A server without TLS, behind a proxy that counts connection attempts.
beforeAll(async () => {
  server = await startPostgres();
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  tls = await makeTlsFixtures();
});
afterAll(async () => {
  await proxy?.close();
  await server?.dispose();
  await tls?.dispose();
});

describe('a server without TLS', () => {
  it.each(['require', 'verify-ca', 'verify-full'] as const)(
    '%s fails with TLS_UNSUPPORTED and sends nothing in plain text',
    async (sslMode) => {
      const before = proxy.connections.length;
      const config = configFor(
        { ...server, host: proxy.host, port: proxy.port },
        { sslMode, ...(sslMode === 'require' ? {} : { sslCaCert: tls.caFile }) },
      );
      const actor = startConnection(effects(), config, { password: server.password, actors });
      actor.send({ type: 'CONNECT' });
      const { context } = await waitForStatus(actor, 'error');
      expect(context.lastError).toMatchObject({
        kind: 'ConnectionFailed',
        code: 'TLS_UNSUPPORTED',
      });
      expect(proxy.connections.length - before).toBe(1);
      expect(await server.backends({ applicationName: config.options.applicationName })).toEqual(
        [],
      );
    },
  );

  it('prefer falls back to plain text', async () => {
    const config = configFor(
      { ...server, host: proxy.host, port: proxy.port },
      { sslMode: 'prefer', options: { poolMax: 3 } },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(false);
    await disconnected(actor);
  });
});
