import {
  type ConnectionConfig,
  type ConnectionOptions,
  DEFAULTS,
  type HostPort,
  targetSessionAttrs,
} from './config.ts';
import { hostaddrOf, socketOptionsOf, tlsOf } from './connection-keywords-tls.ts';
import { TuskError } from './errors.ts';
import { channelBindings, parseRequireAuth } from './libpq-auth.ts';
import { startupOptionsOf } from './startup-options.ts';

/** libpq's keyword/value pairs, in order, as a string gives them (a later one wins). */
export type ConnectionParameter = [keyword: string, value: string];

/** The config fields a connection string can set, each only when it says so. */
type StringFields =
  | 'host'
  | 'port'
  | 'hosts'
  | 'database'
  | 'username'
  | 'sslMode'
  | 'sslNegotiation'
  | 'sslCaCert'
  | 'sslCert'
  | 'sslKey'
  | 'sslCertMode'
  | 'sslCrl'
  | 'sslCrlDir'
  | 'sslSni'
  | 'sslMinProtocolVersion'
  | 'sslMaxProtocolVersion'
  | 'channelBinding'
  | 'requireAuth'
  | 'hostaddr'
  | 'passfile';

/** What a connection string says, and nothing else: no defaults are filled in. */
export type ConnectionStringConfig = Partial<Pick<ConnectionConfig, StringFields>> & {
  options?: Partial<ConnectionOptions>;
};

export interface ParsedConnectionString {
  config: ConnectionStringConfig;
  /** Apart from the config, so that it can go to the keyring and nowhere else. */
  password?: string;
  /** libpq's sslpassword (the client key's passphrase): a secret too, for the keyring. */
  sslPassword?: string;
  /** `service=name`: the caller resolves it against the service file (main/pgfiles). */
  service?: string;
}

/** Every keyword this parser honours; any other is refused by name. */
export const supportedKeywords = [
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'sslmode',
  'sslnegotiation',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslpassword',
  'sslcertmode',
  'sslcrl',
  'sslcrldir',
  'sslsni',
  'sslcompression',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'channel_binding',
  'require_auth',
  'gssencmode',
  'krbsrvname',
  'application_name',
  'fallback_application_name',
  'client_encoding',
  'connect_timeout',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'options',
  'target_session_attrs',
  'load_balance_hosts',
  'service',
] as const;
export type Keyword = (typeof supportedKeywords)[number];

/**
 * Parameters people paste from an ORM's or a driver's connection URL that libpq has never had:
 * named with where they come from, so the user knows they can be dropped.
 */
const notLibpq: Record<string, string> = {
  pgbouncer: 'Prisma',
  connection_limit: 'Prisma',
  pool_timeout: 'Prisma',
  socket_timeout: 'Prisma',
  statement_cache_size: 'Prisma',
  schema: 'Prisma',
  sslaccept: 'Prisma',
  sslidentity: 'Prisma',
  ssl: 'a driver (JDBC, node-postgres)',
  sslfactory: 'JDBC',
  prepareThreshold: 'JDBC',
};

export const invalidParameter = (field: string, message: string) =>
  new TuskError({ kind: 'InvalidInput', field, message: `Invalid connection string: ${message}` });

function unsupported(name: string): TuskError {
  const owner = notLibpq[name];
  if (owner) {
    const instead = name === 'ssl' ? ' (libpq says sslmode=require)' : '';
    return invalidParameter(
      name,
      `"${name}" belongs to an ORM or driver (${owner}), not to libpq${instead}: drop it from the string (the import form can drop it for you)`,
    );
  }
  return invalidParameter(
    name,
    `unsupported parameter "${name}" (supported: ${supportedKeywords.join(', ')})`,
  );
}

/** The ORM/driver-only parameters of a list of pairs, for the import form to offer to drop. */
export const ormParameters = (pairs: ConnectionParameter[]): string[] =>
  pairs.map(([k]) => k).filter((k) => k in notLibpq);

/**
 * The pairs without ORM/driver parameters, for the import form. A driver's `ssl=true` is not
 * simply dropped, which would weaken it to libpq's default (prefer, plain text allowed): with
 * no sslmode of its own it becomes sslmode=require, what the driver meant.
 */
export function withoutOrmParameters(pairs: ConnectionParameter[]): {
  pairs: ConnectionParameter[];
  dropped: string[];
} {
  const dropped = ormParameters(pairs);
  const kept = pairs.filter(([k]) => !dropped.includes(k));
  const ssl = pairs.filter(([k]) => k === 'ssl').at(-1)?.[1];
  if (ssl && /^(true|1|require)$/i.test(ssl) && !pairs.some(([k]) => k === 'sslmode')) {
    kept.push(['sslmode', 'require']);
  }
  return { pairs: kept, dropped };
}

/**
 * Judges libpq keyword/value pairs (from a string, a service file or PG* variables): what this
 * config can honour, or an InvalidInput naming the first parameter it cannot.
 */
export function parseConnectionParameters(pairs: ConnectionParameter[]): ParsedConnectionString {
  const values = new Map<Keyword, string>();
  for (const [name, value] of pairs) {
    if (!(supportedKeywords as readonly string[]).includes(name)) throw unsupported(name);
    // A later setting wins, as in libpq.
    values.set(name as Keyword, value);
  }
  // libpq treats an empty value as not given.
  const get = (k: Keyword) => values.get(k) || undefined;
  const config: ConnectionStringConfig = {};
  const options: Partial<ConnectionOptions> = {};

  Object.assign(config, hostsOf(get('host'), get('port')));
  const hostaddr = get('hostaddr');
  if (hostaddr) config.hostaddr = hostaddrOf(hostaddr, config.hosts?.length ?? 1);
  const dbname = get('dbname');
  if (dbname) config.database = dbname;
  const user = get('user');
  if (user) config.username = user;
  const passfile = get('passfile');
  if (passfile) config.passfile = passfile;
  Object.assign(config, tlsOf(get, oneOf));
  const binding = get('channel_binding');
  if (binding) config.channelBinding = oneOf('channel_binding', binding, channelBindings);
  const requireAuth = get('require_auth');
  if (requireAuth) {
    const parsed = parseRequireAuth(requireAuth);
    if (typeof parsed === 'string') throw invalidParameter('require_auth', parsed);
    config.requireAuth = requireAuth;
  }
  const gss = get('gssencmode');
  if (gss && gss !== 'disable' && gss !== 'prefer') {
    throw invalidParameter(
      'gssencmode',
      gss === 'require'
        ? 'gssencmode=require is not supported: Tusk has no GSSAPI (Kerberos) encryption; use TLS (sslmode)'
        : 'gssencmode must be one of disable, prefer, require',
    );
  }
  const encoding = get('client_encoding');
  if (encoding && !/^(utf-?8|unicode|auto)$/i.test(encoding)) {
    throw invalidParameter(
      'client_encoding',
      `client_encoding=${encoding} is not supported: Tusk reads and writes UTF8 (or auto)`,
    );
  }

  const app = get('application_name') ?? get('fallback_application_name');
  if (values.has('application_name') || values.has('fallback_application_name')) {
    options.applicationName = app ?? '';
  }
  const timeout = get('connect_timeout');
  if (timeout) options.connectTimeoutSec = connectTimeoutOf(timeout);
  const startup = get('options');
  if (startup) Object.assign(options, startupOptionsOf(startup));
  Object.assign(options, socketOptionsOf(get));
  const target = get('target_session_attrs');
  if (target) {
    options.targetSessionAttrs = oneOf('target_session_attrs', target, targetSessionAttrs);
  }
  const balance = get('load_balance_hosts');
  if (balance) {
    if (balance !== 'disable' && balance !== 'random') {
      throw invalidParameter('load_balance_hosts', 'load_balance_hosts must be disable or random');
    }
    options.loadBalanceHosts = balance;
  }
  if (Object.keys(options).length) config.options = options;

  const result: ParsedConnectionString = { config };
  const password = get('password');
  if (password !== undefined) result.password = password;
  const sslPassword = get('sslpassword');
  if (sslPassword !== undefined) result.sslPassword = sslPassword;
  const service = get('service');
  if (service) result.service = service;
  return result;
}

function portOf(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw invalidParameter('port', 'port must be a number between 1 and 65535');
  }
  return Number(text);
}

/** `host=a,b port=1,2`: one port for every host, or as many ports as hosts (libpq's rule). */
function hostsOf(host: string | undefined, port: string | undefined): ConnectionStringConfig {
  const hosts = host ? host.split(',') : [];
  const ports = port ? port.split(',') : [];
  if (hosts.some((h) => h.trim() === '')) {
    throw invalidParameter('host', 'an empty host in a list of hosts is not supported: name it');
  }
  if (hosts.length > 1 && ports.length > 1 && ports.length !== hosts.length) {
    throw invalidParameter(
      'port',
      `${ports.length} ports for ${hosts.length} hosts: give one port, or one per host`,
    );
  }
  if (hosts.length <= 1) {
    if (ports.length > 1) throw invalidParameter('port', 'several ports need as many hosts');
    const out: ConnectionStringConfig = {};
    if (hosts[0] !== undefined) out.host = hosts[0];
    if (ports[0]) out.port = portOf(ports[0]);
    return out;
  }
  const list: HostPort[] = hosts.map((h, i) => {
    const p = ports.length > 1 ? ports[i] : ports[0];
    return { host: h, port: p ? portOf(p) : DEFAULTS.port };
  });
  return { host: list[0]!.host, port: list[0]!.port, hosts: list };
}

/** A keyword whose value is one of a fixed list, named in the refusal. */
function oneOf<T extends string>(keyword: Keyword, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalidParameter(keyword, `${keyword} must be one of ${allowed.join(', ')}`);
}

function connectTimeoutOf(value: string): number {
  if (!/^\d+$/.test(value)) {
    throw invalidParameter('connect_timeout', 'connect_timeout must be a whole number of seconds');
  }
  const sec = Number(value);
  if (sec === 0) {
    throw invalidParameter(
      'connect_timeout',
      'connect_timeout=0 (wait forever) is not supported: give a number of seconds',
    );
  }
  return sec;
}
