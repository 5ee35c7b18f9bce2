import { expect, it } from 'vitest';
import { validate } from '../config.ts';
import { parseConnectionString } from '../connection-string.ts';
import { toConnectionUrl } from '../connection-url.ts';

it('the URL of a config says its TLS, auth, socket and startup keywords, and reads back the same', () => {
  const config = validate({
    id: '0b7c3c1e-0c2f-4a9e-8f36-3d1b8a7f6e21',
    name: 'everything',
    host: 'db.example',
    hostaddr: '10.0.0.7',
    database: 'app',
    username: 'me',
    sslMode: 'verify-full',
    sslCaCert: 'system',
    sslCert: '/c.pem',
    sslKey: '/c.key',
    sslKeyPassphraseInKeyring: true,
    sslCertMode: 'require',
    sslCrl: '/crl.pem',
    sslCrlDir: '/crls',
    sslSni: false,
    sslMinProtocolVersion: 'TLSv1.2',
    sslMaxProtocolVersion: 'TLSv1.3',
    channelBinding: 'require',
    requireAuth: '!password,!md5',
    passfile: '/p/.pgpass',
    options: {
      startupOptions: '--cluster=acme-1',
      statementTimeoutMs: 5000,
      tcpKeepalives: false,
      tcpKeepalivesIdleSec: 30,
      tcpKeepalivesIntervalSec: 5,
      tcpKeepalivesCount: 4,
      tcpUserTimeoutMs: 9000,
    },
  });
  const { config: back } = parseConnectionString(toConnectionUrl(config));
  expect(back).toMatchObject({
    hostaddr: '10.0.0.7',
    sslMode: 'verify-full',
    sslCaCert: 'system',
    sslCert: '/c.pem',
    sslKey: '/c.key',
    sslCertMode: 'require',
    sslCrl: '/crl.pem',
    sslCrlDir: '/crls',
    sslSni: false,
    sslMinProtocolVersion: 'TLSv1.2',
    sslMaxProtocolVersion: 'TLSv1.3',
    channelBinding: 'require',
    requireAuth: '!password,!md5',
    passfile: '/p/.pgpass',
    options: {
      startupOptions: '--cluster=acme-1',
      statementTimeoutMs: 5000,
      tcpKeepalives: false,
      tcpKeepalivesIdleSec: 30,
      tcpKeepalivesIntervalSec: 5,
      tcpKeepalivesCount: 4,
      tcpUserTimeoutMs: 9000,
    },
  });
});
