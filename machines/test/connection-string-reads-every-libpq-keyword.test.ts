import { describe, expect, it } from 'vitest';
import { validate } from '../config.ts';
import { parseConnectionString } from '../connection-string.ts';
import { TuskError } from '../errors.ts';

function refusal(text: string): TuskError {
  try {
    parseConnectionString(text);
  } catch (error) {
    if (error instanceof TuskError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

const keywords =
  'host=db.example hostaddr=10.1.2.3 sslmode=verify-ca sslrootcert=/ca.pem sslcert=/c.pem ' +
  'sslkey=/c.key sslpassword=pass-phrase sslcertmode=require sslcrl=/crl.pem sslcrldir=/crls ' +
  'sslsni=0 ssl_min_protocol_version=TLSv1.2 ssl_max_protocol_version=TLSv1.3 ' +
  'channel_binding=require require_auth=scram-sha-256 gssencmode=disable krbsrvname=postgres ' +
  'client_encoding=UTF8 keepalives=1 keepalives_idle=30 keepalives_interval=5 ' +
  'keepalives_count=3 tcp_user_timeout=9000 passfile=/p/.pgpass sslcompression=0 ' +
  "options='endpoint=ep-cool-123 --cluster=acme-42 -c search_path=app -c statement_timeout=5s'";

const expected = {
  config: {
    host: 'db.example',
    hostaddr: '10.1.2.3',
    sslMode: 'verify-ca',
    sslCaCert: '/ca.pem',
    sslCert: '/c.pem',
    sslKey: '/c.key',
    sslCertMode: 'require',
    sslCrl: '/crl.pem',
    sslCrlDir: '/crls',
    sslSni: false,
    sslMinProtocolVersion: 'TLSv1.2',
    sslMaxProtocolVersion: 'TLSv1.3',
    channelBinding: 'require',
    requireAuth: 'scram-sha-256',
    passfile: '/p/.pgpass',
    options: {
      statementTimeoutMs: 5000,
      startupOptions: 'endpoint=ep-cool-123 --cluster=acme-42 -c search_path=app',
      tcpKeepalives: true,
      tcpKeepalivesIdleSec: 30,
      tcpKeepalivesIntervalSec: 5,
      tcpKeepalivesCount: 3,
      tcpUserTimeoutMs: 9000,
    },
  },
  sslPassword: 'pass-phrase',
};

describe("libpq's keywords, with libpq's meaning, in both forms", () => {
  it('the keyword/value form', () => {
    expect(parseConnectionString(keywords)).toStrictEqual(expected);
  });

  it('the URI form says the same', () => {
    const query = keywords
      .replace(/^host=db\.example /, '')
      .replace(/options='(.*)'$/, (_, o: string) => `options=${encodeURIComponent(o)}`)
      .split(' ')
      .join('&');
    expect(parseConnectionString(`postgresql://db.example/?${query}`)).toStrictEqual(expected);
  });

  it('the result is a valid config (every value within the schema)', () => {
    const { config } = parseConnectionString(keywords);
    expect(() =>
      validate({
        ...config,
        id: '6f1c2c7e-8d8a-4a43-9b59-1f4f1a2b3c4d',
        name: 'all',
        database: 'd',
        username: 'u',
      }),
    ).not.toThrow();
  });

  it('sslrootcert=system makes verify-full the default and refuses weaker modes', () => {
    expect(parseConnectionString('sslrootcert=system').config).toStrictEqual({
      sslMode: 'verify-full',
      sslCaCert: 'system',
    });
    expect(refusal('sslmode=verify-ca sslrootcert=system').message).toContain(
      'weak sslmode "verify-ca" may not be used with sslrootcert=system (use "verify-full")',
    );
  });

  it('an empty value is not given, as in libpq', () => {
    expect(parseConnectionString("host=a sslcert='' channel_binding=''").config).toStrictEqual({
      host: 'a',
    });
  });
});

describe("require_auth is refused with libpq's own messages", () => {
  it.each([
    [
      'scram-sha-256,!md5',
      'negative require_auth method "!md5" cannot be mixed with non-negative methods',
    ],
    [
      '!password,!none,scram-sha-256',
      'require_auth method "scram-sha-256" cannot be mixed with negative methods',
    ],
    ['password,md5,password', 'require_auth method "password" is specified more than once'],
    ['!password,!md5,!password', 'require_auth method "!password" is specified more than once'],
    ['none,md5,none', 'require_auth method "none" is specified more than once'],
    [
      'scram-sha-256,scram-sha-256',
      'require_auth method "scram-sha-256" is specified more than once',
    ],
    ['scram-sha-256,kerberos', 'invalid require_auth value: "kerberos"'],
  ])('require_auth=%s', (value, message) => {
    expect(refusal(`require_auth=${value}`).message).toContain(message);
  });

  it.each([
    '!gss',
    '!sspi',
    '!password,!scram-sha-256',
    'none',
    '!none',
    'md5,password,scram-sha-256',
  ])('require_auth=%s is accepted', (value) => {
    expect(parseConnectionString(`require_auth=${value}`).config.requireAuth).toBe(value);
  });
});

describe('ORM and driver parameters say where they belong', () => {
  it.each([
    ['postgresql://u@h/db?pgbouncer=true', 'pgbouncer', 'Prisma'],
    ['postgresql://u@h/db?connection_limit=1', 'connection_limit', 'Prisma'],
    ['postgresql://u@h/db?schema=public', 'schema', 'Prisma'],
    ['postgresql://u@h/db?ssl=true', 'ssl', 'driver'],
  ])('%s', (text, field, owner) => {
    const error = refusal(text);
    expect(error.field).toBe(field);
    expect(error.message).toContain(owner);
    expect(error.message).toContain('not to libpq');
    expect(error.message).toContain('the import form can drop it');
  });
});
