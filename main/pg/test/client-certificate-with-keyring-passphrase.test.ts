import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../../test/harness/postgres.ts';
import { makeClientCertificate, makeTlsFixtures } from '../../../test/harness/tls.ts';
import { SSL_KEY_PASSPHRASE } from '../../credentials/index.ts';
import { isolatedStore } from '../../credentials/test/helpers.ts';
import { createPgEffects } from '../effects.ts';
import { configFor, connected, disconnected, startConnection, waitForStatus } from './fixtures.ts';

// `hostssl ... cert`: the server lets in whoever shows a certificate its CA signed for the role
// (CN = user name); no password is asked for at all.
const tls = await makeTlsFixtures();
const passphrase = randomBytes(12).toString('base64url');
const client = await makeClientCertificate(tls, 'cert_user', passphrase);
const server = await startPostgres({
  ssl: { certFile: tls.certFile, keyFile: tls.keyFile, clientCaFile: tls.caFile },
  hba: [
    'hostssl all cert_user 127.0.0.1/32 cert',
    'host    all all       127.0.0.1/32 scram-sha-256',
  ],
});
await server.admin().query('create role cert_user login');
afterAll(async () => {
  await server.dispose();
  await tls.dispose();
});

const target = { ...server, host: 'localhost', user: 'cert_user', password: '' };
const withCertificate = {
  sslMode: 'verify-full' as const,
  sslCaCert: tls.caFile,
  sslCert: client.certFile,
  sslKey: client.keyFile,
  sslKeyPassphraseInKeyring: true,
};

describe('a client certificate whose encrypted key opens with a passphrase from the keyring', () => {
  it('authenticates by certificate (pg_hba cert): the server sees its subject', async () => {
    const { store, newId } = isolatedStore();
    const config = configFor(target, { id: newId(), ...withCertificate });
    await store.setSecret(config.id, SSL_KEY_PASSPHRASE, passphrase);
    const effects = createPgEffects({ credentials: store });
    const actor = startConnection(effects, config);
    try {
      await connected(actor);
      const { rows } = await server
        .admin()
        .query(
          'select s.client_dn from pg_stat_ssl s join pg_stat_activity a using (pid) where a.application_name = $1',
          [config.options.applicationName],
        );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.client_dn).toBe('/CN=cert_user');
      await disconnected(actor);
    } finally {
      actor.stop();
      await effects.closeAll();
    }
  });

  it('without the certificate the server refuses the role', async () => {
    const config = configFor(target, { sslMode: 'verify-full', sslCaCert: tls.caFile });
    const effects = createPgEffects();
    const actor = startConnection(effects, config);
    try {
      actor.send({ type: 'CONNECT' });
      const { context } = await waitForStatus(actor, 'error');
      expect(context.lastError?.message).toMatch(/certificate|password/i);
    } finally {
      actor.stop();
      await effects.closeAll();
    }
  });

  it('a wrong passphrase is refused before connecting, and said without the passphrase', async () => {
    const { store, newId } = isolatedStore();
    const config = configFor(target, { id: newId(), ...withCertificate });
    const wrong = `${passphrase}-wrong`;
    await store.setSecret(config.id, SSL_KEY_PASSPHRASE, wrong);
    const effects = createPgEffects({ credentials: store });
    const actor = startConnection(effects, config);
    try {
      actor.send({ type: 'CONNECT' });
      const snapshot = await waitForStatus(actor, 'error');
      expect(snapshot.context.lastError).toMatchObject({
        kind: 'AuthFailed',
        message: expect.stringContaining(
          `passphrase for the client key ${client.keyFile} is wrong`,
        ),
      });
      const seen = JSON.stringify(snapshot);
      expect(seen).not.toContain(passphrase);
      expect(await server.backends({ applicationName: config.options.applicationName })).toEqual(
        [],
      );
    } finally {
      actor.stop();
      await effects.closeAll();
    }
  });

  it('no passphrase in the keyring says so, naming the key', async () => {
    const { store, newId } = isolatedStore();
    const config = configFor(target, { id: newId(), ...withCertificate });
    const effects = createPgEffects({ credentials: store });
    const actor = startConnection(effects, config);
    try {
      actor.send({ type: 'CONNECT' });
      const { context } = await waitForStatus(actor, 'error');
      expect(context.lastError).toMatchObject({ kind: 'CredentialNotFound' });
    } finally {
      actor.stop();
      await effects.closeAll();
    }
  });
});
