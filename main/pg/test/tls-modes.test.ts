import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { makeTlsFixtures } from '../../../test/harness/tls.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

/** Whether the server sees this connection's backends over TLS, from pg_stat_ssl. */
async function sslSeenByServer(applicationName: string): Promise<boolean[]> {
  const { rows } = await server
    .admin()
    .query<{ ssl: boolean }>(
      'select s.ssl from pg_stat_activity a join pg_stat_ssl s using (pid) where a.application_name = $1',
      [applicationName],
    );
  return rows.map((r) => r.ssl);
}

// The test certificate names localhost and 127.0.0.1. '127.1' is another spelling of the
// loopback address that the resolver accepts, but for TLS it is a host name the certificate
// does not list.
const WRONG_NAME = '127.1';

describe('TLS by sslMode', () => {
  it('verify-full connects to a name in the certificate, every backend over TLS', async () => {
    const config = configFor(
      { ...server, host: 'localhost' },
      { sslMode: 'verify-full', sslCaCert: server.caFile },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    expect(await sslSeenByServer(config.options.applicationName)).toEqual([true, true]);
    await disconnected(actor);
  });

  it('direct negotiation (PostgreSQL 17+, no SSLRequest first) connects, every backend over TLS', async () => {
    const config = configFor(
      { ...server, host: 'localhost' },
      { sslMode: 'verify-full', sslCaCert: server.caFile, sslNegotiation: 'direct' },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    expect(await sslSeenByServer(config.options.applicationName)).toEqual([true, true]);
    await disconnected(actor);
  });

  it('direct negotiation against a server that hangs up on it (before 17, a pooler) says what to change', async () => {
    // What PostgreSQL 16 does with a TLS handshake where a startup packet should be.
    const old = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = old.address() as AddressInfo;
      const config = configFor(
        { ...server, host: '127.0.0.1', port },
        { sslMode: 'require', sslNegotiation: 'direct' },
      );
      const actor = startConnection(effects(), config, { password: server.password, actors });
      actor.send({ type: 'CONNECT' });
      const { context } = await waitForStatus(actor, 'error');
      expect(context.lastError).toMatchObject({
        kind: 'ConnectionFailed',
        hint: expect.stringContaining('set TLS negotiation to postgres'),
      });
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  });

  it('verify-full refuses a host name the certificate does not list, without retrying', async () => {
    const config = configFor(
      { ...server, host: WRONG_NAME },
      { sslMode: 'verify-full', sslCaCert: server.caFile },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({
      kind: 'ConnectionFailed',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  });

  it('verify-ca accepts that host name: the chain is checked, the name is not', async () => {
    const config = configFor(
      { ...server, host: WRONG_NAME },
      { sslMode: 'verify-ca', sslCaCert: server.caFile },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    await disconnected(actor);
  });

  it('verify-ca refuses a server whose certificate another CA signed', async () => {
    const stranger = await makeTlsFixtures();
    try {
      const config = configFor(server, { sslMode: 'verify-ca', sslCaCert: stranger.caFile });
      const actor = startConnection(effects(), config, { password: server.password, actors });
      actor.send({ type: 'CONNECT' });
      const { context } = await waitForStatus(actor, 'error');
      expect(context.lastError).toMatchObject({
        kind: 'ConnectionFailed',
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    } finally {
      await stranger.dispose();
    }
  });

  it('a missing CA file is a clear error naming the path', async () => {
    const path = '/nonexistent/tusk-ca.pem';
    const config = configFor(server, { sslMode: 'verify-full', sslCaCert: path });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({ kind: 'InvalidInput', field: 'sslCaCert', path });
    expect(context.lastError?.message).toContain(path);
  });

  it('require connects over TLS without a CA', async () => {
    const config = configFor(server, { sslMode: 'require' });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    expect(await sslSeenByServer(config.options.applicationName)).toEqual([true, true]);
    await disconnected(actor);
  });

  it('prefer uses TLS when the server offers it', async () => {
    const config = configFor(server, { sslMode: 'prefer' });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    await disconnected(actor);
  });

  it('disable connects in plain text', async () => {
    const config = configFor(server, { sslMode: 'disable' });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(false);
    expect(await sslSeenByServer(config.options.applicationName)).toEqual([false, false]);
    await disconnected(actor);
  });
});
