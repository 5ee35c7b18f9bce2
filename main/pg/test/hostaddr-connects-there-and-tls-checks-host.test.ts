import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

// libpq's hostaddr: the socket goes to the address, and `host` is still the name TLS checks.
// A name under .invalid never resolves (RFC 6761), so connecting at all proves the address is
// what was dialled.
const server = sharedServer();
const { effects, actors } = effectsPerTest();
const tls = { sslMode: 'verify-full' as const, sslCaCert: server.caFile };

describe('hostaddr', () => {
  it('dials the address, and verify-full checks the certificate against host', async () => {
    const config = configFor({ ...server, host: 'localhost' }, { ...tls, hostaddr: '127.0.0.1' });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    await disconnected(actor);
  });

  it('connects with a host name that resolves nowhere (verify-ca checks no name)', async () => {
    const config = configFor(
      { ...server, host: 'db.tusk.invalid' },
      { sslMode: 'verify-ca', sslCaCert: server.caFile, hostaddr: '127.0.0.1' },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    await disconnected(actor);
  });

  it('verify-full refuses when host is not a name in the certificate, address or not', async () => {
    const config = configFor(
      { ...server, host: 'db.tusk.invalid' },
      { ...tls, hostaddr: '127.0.0.1' },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});
