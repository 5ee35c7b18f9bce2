import {
  type ConnectionOptions,
  DEFAULTS,
  type HostPort,
  type SslMode,
  type SslNegotiation,
  sslModes,
  sslNegotiations,
  targetSessionAttrs,
} from './config.ts';
import { TuskError } from './errors.ts';

/*
 * libpq connection strings, both forms (https://www.postgresql.org/docs/current/libpq-connect.html
 * #LIBPQ-CONNSTRING), parsed here rather than with pg-connection-string: that package is Node
 * code (it reads certificate files with `fs`, so machines/ may not import it), it keeps only the
 * first of several hosts, and it passes unknown keywords through instead of refusing them. The
 * renderer's import form needs the same parser as the CLI, hence pure code in machines/.
 */

/** What a connection string says, and nothing else: no defaults are filled in. */
export interface ConnectionStringConfig {
  host?: string;
  port?: number;
  hosts?: HostPort[];
  database?: string;
  username?: string;
  sslMode?: SslMode;
  sslNegotiation?: SslNegotiation;
  sslCaCert?: string;
  options?: Partial<ConnectionOptions>;
}

export interface ParsedConnectionString {
  config: ConnectionStringConfig;
  /** Apart from the config, so that it can go to the keyring and nowhere else. */
  password?: string;
  /** `service=name`: the caller resolves it against the service file (main/pgfiles). */
  service?: string;
}

/** Every keyword this parser honours; any other is refused by name. */
export const supportedKeywords = [
  'host',
  'port',
  'dbname',
  'user',
  'password',
  'sslmode',
  'sslnegotiation',
  'sslrootcert',
  'application_name',
  'fallback_application_name',
  'connect_timeout',
  'options',
  'target_session_attrs',
  'load_balance_hosts',
  'service',
] as const;
type Keyword = (typeof supportedKeywords)[number];

export const invalidParameter = (field: string, message: string) =>
  new TuskError({ kind: 'InvalidInput', field, message: `Invalid connection string: ${message}` });

/** Parses a `postgres://` / `postgresql://` URI or a `key=value ...` string. */
export function parseConnectionString(text: string): ParsedConnectionString {
  return parseConnectionParameters(connectionStringPairs(text));
}

/** libpq's keyword/value pairs, in order, as a string gives them (a later one wins). */
export type ConnectionParameter = [keyword: string, value: string];
type Pair = ConnectionParameter;

/** The pairs of either form, before any keyword is judged: for merging with a service file. */
export function connectionStringPairs(text: string): ConnectionParameter[] {
  const trimmed = text.trim();
  return /^postgres(?:ql)?:\/\//i.test(trimmed) ? uriPairs(trimmed) : keywordPairs(trimmed);
}

// ---- the keyword/value form ------------------------------------------------------------

/** `host=a port = 5432 password='it''s' ...`: libpq's conninfo_parse rules. */
function keywordPairs(text: string): Pair[] {
  const pairs: Pair[] = [];
  let i = 0;
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (space(); i < text.length; space()) {
    const start = i;
    while (i < text.length && text[i] !== '=' && !/\s/.test(text[i]!)) i++;
    const name = text.slice(start, i);
    space();
    if (text[i] !== '=') {
      // The word itself is not echoed: in `password=two words` it is half of a password.
      const previous = pairs.at(-1)?.[0];
      throw invalidParameter(
        previous ?? 'connection string',
        previous
          ? `a word without "=" follows ${previous}=… (quote a value with spaces: ${previous}='a b')`
          : 'the connection string must be key=value pairs or a postgres:// URI',
      );
    }
    i++;
    space();
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw invalidParameter(name, `unterminated quoted value of ${name}`);
        const c = text[i++]!;
        if (c === "'") break;
        value += c === '\\' && i < text.length ? text[i++] : c;
      }
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        const c = text[i++]!;
        value += c === '\\' && i < text.length ? text[i++] : c;
      }
    }
    pairs.push([name, value]);
  }
  return pairs;
}

// ---- the URI form ----------------------------------------------------------------------

function decode(text: string, field: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) {
    throw invalidParameter(field, `broken %-escape in ${field}`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw invalidParameter(field, `the %-escapes of ${field} are not UTF-8`);
  }
  if (decoded.includes('\0')) throw invalidParameter(field, `${field} contains %00`);
  return decoded;
}

/**
 * `postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...]`. Every part
 * is %-decoded (`+` stays a plus, as in libpq); `[...]` holds an IPv6 address; a host that
 * decodes to a path (`%2Fvar%2Frun%2Fpostgresql`) is a Unix-socket directory.
 */
function uriPairs(text: string): Pair[] {
  const rest = text.slice(text.indexOf('://') + 3);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf('/');
  let authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? undefined : beforeQuery.slice(slash + 1);
  const pairs: Pair[] = [];

  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user !== '') pairs.push(['user', decode(user, 'user')]);
    if (colon >= 0) pairs.push(['password', decode(userinfo.slice(colon + 1), 'password')]);
  }

  if (authority !== '') {
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const spec of splitHosts(authority)) {
      const [host, port] = splitHostPort(spec);
      hosts.push(host);
      ports.push(port);
    }
    if (hosts.some((h) => h !== '')) pairs.push(['host', hosts.join(',')]);
    if (ports.some((p) => p !== '')) pairs.push(['port', ports.join(',')]);
  }

  if (path !== undefined && path !== '') pairs.push(['dbname', decode(path, 'dbname')]);

  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw invalidParameter(part, `URI parameter "${part}" has no "="`);
    const name = decode(part.slice(0, eq), 'parameter name');
    pairs.push([name, decode(part.slice(eq + 1), name)]);
  }
  return pairs;
}

/** Splits `a:1,[::1]:2,b` on the commas that are not inside brackets. */
function splitHosts(authority: string): string[] {
  const specs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < authority.length; i++) {
    const c = authority[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      specs.push(authority.slice(start, i));
      start = i + 1;
    }
  }
  specs.push(authority.slice(start));
  return specs;
}

/** One `host[:port]`, decoded; the port stays text (checked with the keyword form's). */
function splitHostPort(spec: string): [string, string] {
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0) throw invalidParameter('host', 'missing "]" after an IPv6 host');
    const after = spec.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw invalidParameter('host', 'only ":port" may follow an IPv6 host');
    }
    return [decode(spec.slice(1, close), 'host'), after.slice(1)];
  }
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return [decode(spec, 'host'), ''];
  return [decode(spec.slice(0, colon), 'host'), spec.slice(colon + 1)];
}

// ---- from keywords to a config ---------------------------------------------------------

/**
 * Judges libpq keyword/value pairs (from a string, a service file or PG* variables): what this
 * config can honour, or an InvalidInput naming the first parameter it cannot.
 */
export function parseConnectionParameters(pairs: ConnectionParameter[]): ParsedConnectionString {
  const values = new Map<Keyword, string>();
  for (const [name, value] of pairs) {
    if (!(supportedKeywords as readonly string[]).includes(name)) {
      throw invalidParameter(
        name,
        `unsupported parameter "${name}" (supported: ${supportedKeywords.join(', ')})`,
      );
    }
    // A later setting wins, as in libpq.
    values.set(name as Keyword, value);
  }
  const get = (k: Keyword) => values.get(k);
  const config: ConnectionStringConfig = {};
  const options: Partial<ConnectionOptions> = {};

  Object.assign(config, hostsOf(get('host'), get('port')));
  const dbname = get('dbname');
  if (dbname) config.database = dbname;
  const user = get('user');
  if (user) config.username = user;
  const sslmode = get('sslmode');
  if (sslmode) config.sslMode = sslModeOf(sslmode);
  const negotiation = get('sslnegotiation');
  if (negotiation) config.sslNegotiation = oneOf('sslnegotiation', negotiation, sslNegotiations);
  const rootcert = get('sslrootcert');
  if (rootcert) {
    if (rootcert === 'system') {
      throw invalidParameter('sslrootcert', 'sslrootcert=system is not supported: name a file');
    }
    config.sslCaCert = rootcert;
  }
  const app = get('application_name') ?? get('fallback_application_name');
  if (app !== undefined) options.applicationName = app;
  const timeout = get('connect_timeout');
  if (timeout) options.connectTimeoutSec = connectTimeoutOf(timeout);
  const startup = get('options');
  if (startup) Object.assign(options, startupOptionsOf(startup));
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
  if (password !== undefined && password !== '') result.password = password;
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
  const list = hosts.map((h, i) => {
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

function sslModeOf(value: string): SslMode {
  if ((sslModes as readonly string[]).includes(value)) return value as SslMode;
  const why =
    value === 'allow'
      ? 'sslmode=allow (plain text first) is not supported: use prefer or disable'
      : `sslmode must be one of ${sslModes.join(', ')}`;
  throw invalidParameter('sslmode', why);
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

const durationUnits: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/**
 * The startup `options`: only the settings this config models are honoured, the read-only
 * default and the statement timeout; any other `-c` would silently not be what the user gets.
 */
function startupOptionsOf(value: string): Partial<ConnectionOptions> {
  const out: Partial<ConnectionOptions> = {};
  const words = value.trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    let setting = words[i]!;
    if (setting === '-c') setting = words[++i] ?? '';
    else if (setting.startsWith('-c')) setting = setting.slice(2);
    else if (setting.startsWith('--')) setting = setting.slice(2);
    else throw invalidParameter('options', `options: "${setting}" is not a -c setting`);
    const eq = setting.indexOf('=');
    const name = setting.slice(0, eq).replaceAll('-', '_');
    const raw = setting.slice(eq + 1);
    if (eq < 0 || raw === '')
      throw invalidParameter('options', `options: "${setting}" has no value`);
    if (name === 'default_transaction_read_only') {
      const on = ['on', 'true', 'yes', '1'].includes(raw.toLowerCase());
      const off = ['off', 'false', 'no', '0'].includes(raw.toLowerCase());
      if (!on && !off) {
        throw invalidParameter('options', `options: default_transaction_read_only=${raw}`);
      }
      out.readonly = on;
    } else if (name === 'statement_timeout') {
      const match = /^(\d+)\s*(ms|s|min|h)?$/.exec(raw);
      if (!match) throw invalidParameter('options', `options: statement_timeout=${raw}`);
      out.statementTimeoutMs = Number(match[1]) * durationUnits[match[2] ?? 'ms']!;
    } else {
      throw invalidParameter(
        'options',
        `options: only default_transaction_read_only and statement_timeout are supported, not ${name}`,
      );
    }
  }
  return out;
}
