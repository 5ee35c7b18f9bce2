import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../connection-string.ts';

// The examples of libpq's documentation, "Connection Strings" (34.1.1) and "Specifying
// Multiple Hosts" (34.1.1.3), each with what it means as a partial config.
describe('libpq documented examples', () => {
  const cases: [string, ReturnType<typeof parseConnectionString>][] = [
    [
      'host=localhost port=5432 dbname=mydb connect_timeout=10',
      {
        config: {
          host: 'localhost',
          port: 5432,
          database: 'mydb',
          options: { connectTimeoutSec: 10 },
        },
      },
    ],
    ['postgresql://', { config: {} }],
    ['postgresql://localhost', { config: { host: 'localhost' } }],
    ['postgresql://localhost:5433', { config: { host: 'localhost', port: 5433 } }],
    ['postgresql://localhost/mydb', { config: { host: 'localhost', database: 'mydb' } }],
    ['postgresql://user@localhost', { config: { host: 'localhost', username: 'user' } }],
    [
      'postgresql://user:secret@localhost',
      { config: { host: 'localhost', username: 'user' }, password: 'secret' },
    ],
    [
      'postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp',
      {
        config: {
          host: 'localhost',
          username: 'other',
          database: 'otherdb',
          options: { connectTimeoutSec: 10, applicationName: 'myapp' },
        },
      },
    ],
    [
      'postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp',
      {
        config: {
          host: 'host1',
          port: 123,
          hosts: [
            { host: 'host1', port: 123 },
            { host: 'host2', port: 456 },
          ],
          database: 'somedb',
          options: { targetSessionAttrs: 'any', applicationName: 'myapp' },
        },
      },
    ],
    [
      'postgresql:///mydb?host=localhost&port=5433',
      { config: { host: 'localhost', port: 5433, database: 'mydb' } },
    ],
    [
      'postgresql://[2001:db8::1234]/database',
      { config: { host: '2001:db8::1234', database: 'database' } },
    ],
    ['postgresql://[::1]:5432', { config: { host: '::1', port: 5432 } }],
    [
      'postgresql:///dbname?host=/var/lib/postgresql',
      { config: { host: '/var/lib/postgresql', database: 'dbname' } },
    ],
    [
      'postgresql://%2Fvar%2Flib%2Fpostgresql/dbname',
      { config: { host: '/var/lib/postgresql', database: 'dbname' } },
    ],
    [
      'postgresql://localhost/mydb?user=other&password=secret',
      { config: { host: 'localhost', database: 'mydb', username: 'other' }, password: 'secret' },
    ],
    [
      'host=host1,host2,host3 port=5432,5433,5434',
      {
        config: {
          host: 'host1',
          port: 5432,
          hosts: [
            { host: 'host1', port: 5432 },
            { host: 'host2', port: 5433 },
            { host: 'host3', port: 5434 },
          ],
        },
      },
    ],
    [
      'postgresql://host1:5432,host2:5433,host3:5434/',
      {
        config: {
          host: 'host1',
          port: 5432,
          hosts: [
            { host: 'host1', port: 5432 },
            { host: 'host2', port: 5433 },
            { host: 'host3', port: 5434 },
          ],
        },
      },
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseConnectionString(text)).toStrictEqual(expected);
  });
});

describe('the keyword/value form', () => {
  it('reads quoted values with escapes and spaces around "="', () => {
    const parsed = parseConnectionString(
      "host = db.example user='o\\'brien' password='a b\\\\c' dbname=my\\ db",
    );
    expect(parsed).toStrictEqual({
      config: { host: 'db.example', username: "o'brien", database: 'my db' },
      password: 'a b\\c',
    });
  });

  it('gives one port to every host, and a socket directory as the host', () => {
    expect(parseConnectionString('host=a,b port=6432').config.hosts).toStrictEqual([
      { host: 'a', port: 6432 },
      { host: 'b', port: 6432 },
    ]);
    expect(parseConnectionString('host=/var/run/postgresql port=5433').config).toStrictEqual({
      host: '/var/run/postgresql',
      port: 5433,
    });
  });

  it('maps TLS, timeouts, startup options and the targets', () => {
    const parsed = parseConnectionString(
      "sslmode=verify-full sslrootcert=/etc/ca.pem target_session_attrs=read-write load_balance_hosts=random options='-c default_transaction_read_only=on -c statement_timeout=5s'",
    );
    expect(parsed.config).toStrictEqual({
      sslMode: 'verify-full',
      sslCaCert: '/etc/ca.pem',
      options: {
        readonly: true,
        statementTimeoutMs: 5000,
        targetSessionAttrs: 'read-write',
        loadBalanceHosts: 'random',
      },
    });
  });

  it('returns service= for the caller to resolve, and later settings win', () => {
    expect(parseConnectionString('service=prod dbname=a dbname=b')).toStrictEqual({
      config: { database: 'b' },
      service: 'prod',
    });
  });
});

describe('the URI form', () => {
  it('percent-decodes every part, and leaves "+" a plus', () => {
    const parsed = parseConnectionString(
      'postgres://us%40er:p%3Ass%2Fw+rd@h%C3%A9st:6543/d%20b?application_name=a%26b&options=-c%20statement_timeout%3D250',
    );
    expect(parsed).toStrictEqual({
      config: {
        host: 'hést',
        port: 6543,
        username: 'us@er',
        database: 'd b',
        options: { applicationName: 'a&b', statementTimeoutMs: 250 },
      },
      password: 'p:ss/w+rd',
    });
  });

  it('takes IPv6 literals with ports in a host list', () => {
    expect(parseConnectionString('postgresql://[::1]:5433,[fe80::2]/x').config.hosts).toStrictEqual(
      [
        { host: '::1', port: 5433 },
        { host: 'fe80::2', port: 5432 },
      ],
    );
  });
});
