import { describe, expect, it } from 'vitest';
import {
  connectionStringPairs,
  type ParsedConnectionString,
  parseConnectionParameters,
  parseConnectionString,
} from '../connection-string.ts';
import { TuskError } from '../errors.ts';

/*
 * The cases of PostgreSQL's src/interfaces/libpq/t/001_uri.pl (libpq_uri_regress prints the
 * keywords a URI sets, in libpq's order, then "(local)" or "(inet)"). What this parser makes of
 * each URI is printed the same way and must read the same; a URI libpq refuses is refused.
 */
function asLibpqPrints(parsed: ParsedConnectionString): string {
  const { config, password } = parsed;
  const words: [string, string | number | undefined][] = [
    ['user', config.username],
    ['password', password],
    ['dbname', config.database],
    ['host', config.host],
    ['hostaddr', config.hostaddr],
    ['port', config.port],
  ];
  const shown = words.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}='${v}'`);
  const local = (!config.host && !config.hostaddr) || config.host?.startsWith('/');
  return [...shown, local ? '(local)' : '(inet)'].join(' ');
}

const accepted: [uri: string, libpqPrints: string][] = [
  [
    'postgresql://uri-user:secret@host:12345/db',
    "user='uri-user' password='secret' dbname='db' host='host' port='12345' (inet)",
  ],
  [
    'postgresql://uri-user@host:12345/db',
    "user='uri-user' dbname='db' host='host' port='12345' (inet)",
  ],
  ['postgresql://uri-user@host/db', "user='uri-user' dbname='db' host='host' (inet)"],
  ['postgresql://host:12345/db', "dbname='db' host='host' port='12345' (inet)"],
  ['postgresql://host/db', "dbname='db' host='host' (inet)"],
  ['postgresql://uri-user@host:12345/', "user='uri-user' host='host' port='12345' (inet)"],
  ['postgresql://uri-user@host/', "user='uri-user' host='host' (inet)"],
  ['postgresql://uri-user@', "user='uri-user' (local)"],
  ['postgresql://host:12345/', "host='host' port='12345' (inet)"],
  ['postgresql://host:12345', "host='host' port='12345' (inet)"],
  ['postgresql://host/', "host='host' (inet)"],
  ['postgresql://host', "host='host' (inet)"],
  ['postgresql://', '(local)'],
  ['postgresql://?hostaddr=127.0.0.1', "hostaddr='127.0.0.1' (inet)"],
  ['postgresql://example.com?hostaddr=63.1.2.4', "host='example.com' hostaddr='63.1.2.4' (inet)"],
  ['postgresql://%68ost/', "host='host' (inet)"],
  ['postgresql://host/db?user=uri-user', "user='uri-user' dbname='db' host='host' (inet)"],
  [
    'postgresql://host/db?user=uri-user&port=12345',
    "user='uri-user' dbname='db' host='host' port='12345' (inet)",
  ],
  [
    'postgresql://host/db?u%73er=someotheruser&port=12345',
    "user='someotheruser' dbname='db' host='host' port='12345' (inet)",
  ],
  ['postgresql://host:12345?user=uri-user', "user='uri-user' host='host' port='12345' (inet)"],
  ['postgresql://host?user=uri-user', "user='uri-user' host='host' (inet)"],
  [
    'postgresql://host?  user = uri-user & port  = 12345 ',
    "user='uri-user' host='host' port='12345' (inet)",
  ],
  ['postgresql://host?', "host='host' (inet)"],
  ['postgresql://[::1]:12345/db', "dbname='db' host='::1' port='12345' (inet)"],
  ['postgresql://[::1]/db', "dbname='db' host='::1' (inet)"],
  ['postgresql://[2001:db8::1234]/', "host='2001:db8::1234' (inet)"],
  ['postgresql://[200z:db8::1234]/', "host='200z:db8::1234' (inet)"],
  ['postgresql://[::1]', "host='::1' (inet)"],
  ['postgres://', '(local)'],
  ['postgres:///', '(local)'],
  ['postgres:///db', "dbname='db' (local)"],
  ['postgres://uri-user@/db', "user='uri-user' dbname='db' (local)"],
  ['postgres://?host=/path/to/socket/dir', "host='/path/to/socket/dir' (local)"],
  ['postgres://@host', "host='host' (inet)"],
  ['postgres://host:/', "host='host' (inet)"],
  ['postgres://:12345/', "port='12345' (local)"],
  [
    'postgres://otheruser@?host=/no/such/directory',
    "user='otheruser' host='/no/such/directory' (local)",
  ],
  [
    'postgres://otheruser@/?host=/no/such/directory',
    "user='otheruser' host='/no/such/directory' (local)",
  ],
  [
    'postgres://otheruser@:12345?host=/no/such/socket/path',
    "user='otheruser' host='/no/such/socket/path' port='12345' (local)",
  ],
  [
    'postgres://otheruser@:12345/db?host=/path/to/socket',
    "user='otheruser' dbname='db' host='/path/to/socket' port='12345' (local)",
  ],
  [
    'postgres://:12345/db?host=/path/to/socket',
    "dbname='db' host='/path/to/socket' port='12345' (local)",
  ],
  ['postgres://:12345?host=/path/to/socket', "host='/path/to/socket' port='12345' (local)"],
  [
    'postgres://%2Fvar%2Flib%2Fpostgresql/dbname',
    "dbname='dbname' host='/var/lib/postgresql' (local)",
  ],
];

// libpq's refusals, and the part of libpq's message this parser says too.
const refused: [uri: string, says: string][] = [
  ['postgresql://host/db?u%7aer=someotheruser&port=12345', '"uzer"'],
  ['postgresql://host?uzer=', '"uzer"'],
  ['postgresql://host?  user user  =  uri  & port = 12345 12 ', 'unexpected spaces found in'],
  ['postgresql://host?  user  =  uri-user  & port = 12345 12 ', 'unexpected spaces found in'],
  ['postgre://', 'key=value'],
  ['postgres://[::1', '"]"'],
  ['postgres://[]', 'IPv6 host address may not be empty'],
  ['postgres://[::1]z', ':port'],
  ['postgresql://host?zzz', 'missing key/value separator "=" in URI query parameter: "zzz"'],
  [
    'postgresql://host?value1&value2',
    'missing key/value separator "=" in URI query parameter: "value1"',
  ],
  [
    'postgresql://host?key=key=value',
    'extra key/value separator "=" in URI query parameter: "key"',
  ],
  ['postgres://host?dbname=%XXfoo', '%-escape'],
  ['postgresql://a%00b', '%00'],
  ['postgresql://%zz', '%-escape'],
  ['postgresql://%1', '%-escape'],
  ['postgresql://%', '%-escape'],
];

function refusal(run: () => unknown): TuskError {
  try {
    run();
  } catch (error) {
    if (error instanceof TuskError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe("libpq's URI test cases (001_uri.pl)", () => {
  it.each(accepted)('%s', (uri, libpqPrints) => {
    expect(asLibpqPrints(parseConnectionString(uri))).toBe(libpqPrints);
  });

  it.each(refused)('%s is refused', (uri, says) => {
    const error = refusal(() => parseConnectionString(uri));
    expect(error.kind).toBe('InvalidInput');
    expect(error.message).toContain(says);
  });

  // With PGSSLROOTCERT=system libpq's default sslmode becomes verify-full, and connecting with
  // a weaker one fails (fe-connect.c): libpq_uri_regress only parses, so it prints disable and
  // prefer; this parser judges the whole connection up front and refuses them with libpq's
  // connect-time reason.
  const withSystemRoots = (uri: string) =>
    parseConnectionParameters([['sslrootcert', 'system'], ...connectionStringPairs(uri)]);

  it('sslmode=verify-full with the system roots is libpq default, and accepted', () => {
    expect(withSystemRoots('postgresql://host?sslmode=verify-full').config).toStrictEqual({
      host: 'host',
      sslMode: 'verify-full',
      sslCaCert: 'system',
    });
    expect(withSystemRoots('postgresql://host').config.sslMode).toBe('verify-full');
  });

  it.each(['disable', 'prefer'])(
    'sslmode=%s with the system roots is refused as libpq connects',
    (mode) => {
      const error = refusal(() => withSystemRoots(`postgresql://host?sslmode=${mode}`));
      expect(error.message).toContain(
        `weak sslmode "${mode}" may not be used with sslrootcert=system (use "verify-full")`,
      );
    },
  );
});
