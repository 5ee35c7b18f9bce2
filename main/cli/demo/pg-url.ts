import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  validate,
} from '../../../machines/config.ts';
import { TuskError } from '../../../machines/errors.ts';

export interface WatchTarget {
  config: ConnectionConfig;
  /** Kept apart from the config, as the service wants it: a one-off password for connect(). */
  password: string | undefined;
  /** The target as a URL with the password masked, for echoing. */
  display: string;
}

/** Query parameters of a libpq URL that map onto a ConnectionConfig. */
const PARAMS = ['sslmode', 'sslrootcert', 'application_name', 'connect_timeout'] as const;
type Param = (typeof PARAMS)[number];

const invalid = (message: string, field = 'url') =>
  new TuskError({ kind: 'InvalidInput', message: `Invalid connection URL: ${message}`, field });

/**
 * Hides the password of `postgres://user:password@host`, even in a string that does not parse:
 * everything between the user's colon and the last '@' goes, which may hide more than the
 * password but never less.
 */
export function maskUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)(.*)@/i, '$1****@');
}

const decode = (text: string, what: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(`the ${what} has a broken %-escape`);
  }
};

/** libpq's default user; userInfo() throws for a uid without a passwd entry (containers). */
function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return text(env.USER) ?? 'postgres';
  }
}

const text = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value;

/**
 * What `psql` would connect to: the URL's parts first, then the standard PG* variables, then
 * libpq's defaults (port 5432, the OS user, a database named after the user, sslmode prefer).
 * Throws an InvalidInput TuskError that never contains the password.
 */
export function watchTarget(
  url: string | undefined,
  env: NodeJS.ProcessEnv,
  options: Partial<ConnectionConfigInput['options']> = {},
): WatchTarget {
  const fromUrl: Partial<Record<'host' | 'port' | 'user' | 'password' | 'database', string>> = {};
  const params: Partial<Record<Param, string>> = {};
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw invalid(`${maskUrl(url)} must start with postgres:// or postgresql://`);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(`${maskUrl(url)} is not a URL (a port above 65535, a space in it?)`);
    }
    const host = decode(parsed.hostname, 'host').replace(/^\[(.*)\]$/, '$1');
    if (host.includes(',')) throw invalid('more than one host is not supported', 'host');
    fromUrl.host = text(host);
    fromUrl.port = text(parsed.port);
    fromUrl.user = text(decode(parsed.username, 'user name'));
    fromUrl.password = text(decode(parsed.password, 'password'));
    fromUrl.database = text(decode(parsed.pathname.replace(/^\//, ''), 'database name'));
    for (const [name, value] of parsed.searchParams) {
      if (!(PARAMS as readonly string[]).includes(name)) {
        throw invalid(`unsupported parameter "${name}" (supported: ${PARAMS.join(', ')})`, name);
      }
      params[name as Param] = value;
    }
  }

  const username = fromUrl.user ?? text(env.PGUSER) ?? osUser(env);
  const timeout = params.connect_timeout ?? text(env.PGCONNECT_TIMEOUT);
  const sslCaCert = params.sslrootcert ?? text(env.PGSSLROOTCERT);
  const port = fromUrl.port ?? text(env.PGPORT);
  const config = validate({
    id: randomUUID(),
    name: 'watch',
    host: fromUrl.host ?? text(env.PGHOST) ?? 'localhost',
    port: port === undefined ? undefined : Number(port),
    database: fromUrl.database ?? text(env.PGDATABASE) ?? username,
    username,
    sslMode: params.sslmode ?? text(env.PGSSLMODE) ?? 'prefer',
    ...(sslCaCert && { sslCaCert }),
    options: {
      applicationName: params.application_name ?? text(env.PGAPPNAME) ?? 'tusk-watch',
      ...options,
      ...(timeout !== undefined && { connectTimeoutSec: Number(timeout) }),
    },
  });
  const password = fromUrl.password ?? text(env.PGPASSWORD);
  return { config, password, display: displayUrl(config, password !== undefined) };
}

function displayUrl(config: ConnectionConfig, hasPassword: boolean): string {
  const user = encodeURIComponent(config.username) + (hasPassword ? ':****' : '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const db = encodeURIComponent(config.database);
  return `postgres://${user}@${host}:${config.port}/${db}?sslmode=${config.sslMode}`;
}
