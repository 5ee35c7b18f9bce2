import type { ConnectionConfig, ConnectionOptions } from '../../machines/config.ts';
import { connectionStringPairs, invalidParameter } from '../../machines/connection-string.ts';
import type { PgFilesContext } from './locations.ts';
import { completeConfig, resolveParameters } from './resolve.ts';

export interface CliTarget {
  config: ConnectionConfig;
  /** A one-off password for connect(); never in the config. Without one, ~/.pgpass applies. */
  password: string | undefined;
  /** The target as a URL, the password shown as `****`, for echoing. */
  display: string;
}

/**
 * What `psql [connection string]` would connect to, for `npm run watch`: the string (a URI or
 * key=value pairs, `service=` resolved), then PGSERVICE's service, then the PG* variables, then
 * libpq's defaults (localhost, port 5432, the OS user, a database named after the user).
 * `defaults` are Tusk options the string may override (connect_timeout). Throws an InvalidInput
 * TuskError naming the parameter, never containing the password.
 */
export async function cliTarget(
  text: string | undefined,
  context: PgFilesContext,
  defaults: Partial<ConnectionOptions> = {},
): Promise<CliTarget> {
  if (text !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) {
    if (!/^postgres(?:ql)?:\/\//i.test(text.trim())) {
      const scheme = text.trim().split(':')[0];
      throw invalidParameter(
        'url',
        `a ${scheme}: URL; it must start with postgres:// or postgresql:// (or be key=value pairs)`,
      );
    }
  }
  const pairs = text === undefined ? [] : connectionStringPairs(text);
  const parsed = await resolveParameters(pairs, context, { env: true });
  const config = completeConfig(parsed, {
    name: 'watch',
    env: context.env,
    keyring: false,
    options: { applicationName: 'tusk-watch', ...defaults },
  });
  return { config, password: parsed.password, display: displayUrl(config, parsed.password) };
}

function displayUrl(config: ConnectionConfig, password: string | undefined): string {
  const user = encodeURIComponent(config.username) + (password === undefined ? '' : ':****');
  const hosts = (config.hosts ?? [config])
    .map(({ host, port }) => {
      const name = host.startsWith('/')
        ? encodeURIComponent(host)
        : host.includes(':')
          ? `[${host}]`
          : host;
      return `${name}:${port}`;
    })
    .join(',');
  const db = encodeURIComponent(config.database);
  const target = config.options.targetSessionAttrs;
  const extra = target === 'any' ? '' : `&target_session_attrs=${target}`;
  return `postgres://${user}@${hosts}/${db}?sslmode=${config.sslMode}${extra}`;
}
