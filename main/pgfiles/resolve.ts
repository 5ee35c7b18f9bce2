import { randomUUID } from 'node:crypto';
import { type ConnectionConfig, type ConnectionOptions, validate } from '../../machines/config.ts';
import {
  type ConnectionParameter,
  type ParsedConnectionString,
  parseConnectionParameters,
} from '../../machines/connection-string.ts';
import { environmentParameters } from './environment.ts';
import { osUser, type PgFilesContext } from './locations.ts';
import { resolveService } from './service-file.ts';

export interface ResolvedParameters extends ParsedConnectionString {
  /** The service file a `service=` was found in. */
  serviceFile?: string;
}

/**
 * libpq's precedence, lowest first: the PG* environment (when `env` is asked for), then the
 * service named by `service=` (or PGSERVICE), then the pairs themselves. The service is resolved
 * here, so the result never names one.
 */
export async function resolveParameters(
  pairs: ConnectionParameter[],
  context: PgFilesContext,
  opts: { env: boolean },
): Promise<ResolvedParameters> {
  const fromEnv = opts.env ? environmentParameters(context.env) : [];
  const isService = ([k]: ConnectionParameter) => k === 'service';
  const service = [...fromEnv, ...pairs].filter(isService).at(-1)?.[1];
  let servicePairs: ConnectionParameter[] = [];
  let serviceFile: string | undefined;
  if (service) {
    const found = await resolveService(service, context);
    servicePairs = found.parameters;
    serviceFile = found.path;
  }
  const { service: _, ...parsed } = parseConnectionParameters([
    ...fromEnv.filter((p) => !isService(p)),
    ...servicePairs,
    ...pairs.filter((p) => !isService(p)),
  ]);
  return serviceFile ? { ...parsed, serviceFile } : parsed;
}

/**
 * A saved-connection config from what a string, service or environment said, with libpq's
 * defaults for the rest: host localhost (libpq would pick its compiled-in socket directory,
 * which differs between builds), the OS user, a database named after the user. The password is
 * not in it: `passwordInKeyring` says whether the caller is to store one.
 */
export function completeConfig(
  parsed: ParsedConnectionString,
  opts: {
    name: string;
    env: NodeJS.ProcessEnv;
    id?: string;
    groupId?: string;
    /** Defaults for options the parameters do not set. */
    options?: Partial<ConnectionOptions>;
    /** False for a one-off password (the CLI): then the keyring is not asked. */
    keyring?: boolean;
  },
): ConnectionConfig {
  const { config } = parsed;
  const username = config.username ?? osUser(opts.env);
  return validate({
    ...config,
    id: opts.id ?? randomUUID(),
    name: opts.name,
    host: config.host ?? 'localhost',
    database: config.database ?? username,
    username,
    passwordInKeyring: opts.keyring !== false && parsed.password !== undefined,
    ...(opts.keyring !== false &&
      parsed.sslPassword !== undefined && { sslKeyPassphraseInKeyring: true }),
    ...(opts.groupId && { groupId: opts.groupId }),
    options: { ...opts.options, ...config.options },
  });
}
