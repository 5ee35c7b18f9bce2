import { describe, expect, it } from 'vitest';
import { completeConfig, resolveParameters } from '../resolve.ts';
import { tempHome } from './helpers.ts';

describe("libpq's TLS and auth keywords in a service file and in PG* variables", () => {
  it('a service gives client certificates, channel binding and require_auth', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    await home.write(
      '.pg_service.conf',
      '[cloudsql]\nhostaddr=34.1.2.3\nsslmode=verify-ca\nsslrootcert=/c/server-ca.pem\n' +
        'sslcert=/c/client.pem\nsslkey=/c/client.key\nsslpassword=Sekr1t-phr4se\n' +
        'channel_binding=require\nrequire_auth=scram-sha-256\nkeepalives_idle=20\n',
    );
    const resolved = await resolveParameters([['service', 'cloudsql']], home, { env: false });
    expect(resolved.config).toMatchObject({
      hostaddr: '34.1.2.3',
      sslMode: 'verify-ca',
      sslCaCert: '/c/server-ca.pem',
      sslCert: '/c/client.pem',
      sslKey: '/c/client.key',
      channelBinding: 'require',
      requireAuth: 'scram-sha-256',
      options: { tcpKeepalivesIdleSec: 20 },
    });
    expect(resolved.sslPassword).toBe('Sekr1t-phr4se');
    // Saved, the passphrase is for the keyring: the config only says it is there.
    const config = completeConfig(resolved, { name: 'cloudsql', env: home.env });
    expect(config.sslKeyPassphraseInKeyring).toBe(true);
    expect(JSON.stringify(config)).not.toContain('Sekr1t-phr4se');
  });

  it('PGSSLCERT, PGSSLKEY, PGSSLROOTCERT=system, PGCHANNELBINDING, PGREQUIREAUTH are honoured', async () => {
    const home = await tempHome({
      PGHOST: 'db.example',
      PGSSLCERT: '/c/client.pem',
      PGSSLKEY: '/c/client.key',
      PGSSLROOTCERT: 'system',
      PGCHANNELBINDING: 'require',
      PGREQUIREAUTH: '!password,!md5',
      PGGSSENCMODE: 'disable',
      PGCLIENTENCODING: 'UTF8',
    });
    const resolved = await resolveParameters([], home, { env: true });
    expect(resolved.config).toMatchObject({
      host: 'db.example',
      sslCert: '/c/client.pem',
      sslKey: '/c/client.key',
      sslCaCert: 'system',
      // libpq's default with the system's roots.
      sslMode: 'verify-full',
      channelBinding: 'require',
      requireAuth: '!password,!md5',
    });
  });

  it('PGSSLMODE=require with PGSSLROOTCERT=system is refused with libpq’s reason', async () => {
    const home = await tempHome({ PGSSLMODE: 'require', PGSSLROOTCERT: 'system' });
    await expect(resolveParameters([], home, { env: true })).rejects.toMatchObject({
      message: expect.stringContaining(
        'weak sslmode "require" may not be used with sslrootcert=system (use "verify-full")',
      ),
    });
  });
});
