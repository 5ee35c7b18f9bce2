import { afterAll, describe, expect, it } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { startPostgres } from '../../../test/harness/postgres.ts';
import { makeTlsFixtures } from '../../../test/harness/tls.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

// A server of this test's own, one role per authentication method, over TLS and plain TCP.
const tls = await makeTlsFixtures();
const server = await startPostgres({
  ssl: { certFile: tls.certFile, keyFile: tls.keyFile },
  hba: [
    'host all md5_user   127.0.0.1/32 md5',
    'host all trust_user 127.0.0.1/32 trust',
    'host all clear_user 127.0.0.1/32 password',
    'host all all        127.0.0.1/32 scram-sha-256',
  ],
});
const PASSWORD = 'role-password-1';
await server.createRole('scram_user', PASSWORD);
await server.createRole('clear_user', PASSWORD);
await server.createRole('trust_user', PASSWORD);
const admin = await server.admin().connect();
try {
  await admin.query("set password_encryption = 'md5'");
  await admin.query(`create role md5_user login password '${PASSWORD}'`);
} finally {
  admin.release();
}
// Plain TCP through a link that names every message each way: the capture of what was sent.
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: 0,
});
afterAll(async () => {
  await link.close();
  await server.dispose();
  await tls.dispose();
});
const { effects, actors } = effectsPerTest();

/** Every message the client sent through the link since the last reset. */
const clientSent = () => link.trace().flatMap((t) => t.up.flatMap((f) => f.messages));
const SECRETS = ['PasswordMessage', 'SASLInitialResponse', 'SASLResponse'];

async function refused(user: string, patch: Parameters<typeof configFor>[1]) {
  link.reset();
  const config = configFor({ ...server, ...link, user, password: PASSWORD }, patch);
  const actor = startConnection(effects(), config, { password: PASSWORD, actors });
  actor.send({ type: 'CONNECT' });
  const { context } = await waitForStatus(actor, 'error');
  return { error: context.lastError, sent: clientSent() };
}

describe('channel_binding=require', () => {
  it('connects over TLS with SCRAM (SCRAM-SHA-256-PLUS)', async () => {
    const config = configFor(
      { ...server, host: 'localhost', user: 'scram_user', password: PASSWORD },
      { sslMode: 'verify-full', sslCaCert: tls.caFile, channelBinding: 'require' },
    );
    const actor = startConnection(effects(), config, { password: PASSWORD, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    await disconnected(actor);
  });

  it('over TLS refuses an md5 user before any password', async () => {
    const config = configFor(
      { ...server, host: 'localhost', user: 'md5_user', password: PASSWORD },
      { sslMode: 'verify-full', sslCaCert: tls.caFile, channelBinding: 'require' },
    );
    const actor = startConnection(effects(), config, { password: PASSWORD, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({
      kind: 'AuthFailed',
      message: "channel binding required but not supported by server's authentication request",
    });
  });

  it('over plain TCP is refused when the server asks for SCRAM: no SASL message sent', async () => {
    const { error, sent } = await refused('scram_user', { channelBinding: 'require' });
    expect(error).toMatchObject({
      kind: 'AuthFailed',
      message: 'channel binding required, but SSL not in use',
    });
    expect(sent).toContain('StartupMessage');
    expect(sent.filter((m) => SECRETS.includes(m))).toEqual([]);
  });

  it('against an md5 user is refused: no password message sent', async () => {
    const { error, sent } = await refused('md5_user', { channelBinding: 'require' });
    expect(error?.message).toBe(
      "channel binding required but not supported by server's authentication request",
    );
    expect(sent.filter((m) => SECRETS.includes(m))).toEqual([]);
  });

  it('against a trust user is refused once the server lets it in without binding', async () => {
    const { error, sent } = await refused('trust_user', { channelBinding: 'require' });
    expect(error?.message).toBe(
      'channel binding required, but server authenticated client without channel binding',
    );
    expect(sent.filter((m) => SECRETS.includes(m))).toEqual([]);
    expect(sent).not.toContain('Query');
  });
});

describe('require_auth', () => {
  it('scram-sha-256 refuses a cleartext-password user before the password crosses the wire', async () => {
    const { error, sent } = await refused('clear_user', { requireAuth: 'scram-sha-256' });
    expect(error).toMatchObject({
      kind: 'AuthFailed',
      message:
        'authentication method requirement "scram-sha-256" failed: server requested a cleartext password',
    });
    expect(sent.filter((m) => SECRETS.includes(m))).toEqual([]);
  });

  it('without it the same user sends its password, as the capture shows', async () => {
    link.reset();
    const config = configFor({ ...server, ...link, user: 'clear_user', password: PASSWORD });
    const actor = startConnection(effects(), config, { password: PASSWORD, actors });
    await connected(actor);
    expect(clientSent()).toContain('PasswordMessage');
    await disconnected(actor);
  });

  it('!password allows SCRAM, and none refuses it', async () => {
    const allowed = configFor(
      { ...server, ...link, user: 'scram_user', password: PASSWORD },
      { requireAuth: '!password,!md5' },
    );
    const actor = startConnection(effects(), allowed, { password: PASSWORD, actors });
    await connected(actor);
    await disconnected(actor);
    const { error } = await refused('scram_user', { requireAuth: 'none' });
    expect(error?.message).toBe(
      'authentication method requirement "none" failed: server requested SASL authentication',
    );
  });
});
