import type { ConnectionParameter } from '../../machines/connection-string.ts';
import { TuskError } from '../../machines/errors.ts';

/** The PG* variables this config honours, and the libpq keyword each one stands for. */
export const environmentKeywords = {
  PGHOST: 'host',
  PGHOSTADDR: 'hostaddr',
  PGPORT: 'port',
  PGDATABASE: 'dbname',
  PGUSER: 'user',
  PGPASSWORD: 'password',
  PGSSLMODE: 'sslmode',
  PGSSLNEGOTIATION: 'sslnegotiation',
  PGSSLROOTCERT: 'sslrootcert',
  PGSSLCERT: 'sslcert',
  PGSSLKEY: 'sslkey',
  PGSSLCERTMODE: 'sslcertmode',
  PGSSLCRL: 'sslcrl',
  PGSSLCRLDIR: 'sslcrldir',
  PGSSLSNI: 'sslsni',
  PGSSLMINPROTOCOLVERSION: 'ssl_min_protocol_version',
  PGSSLMAXPROTOCOLVERSION: 'ssl_max_protocol_version',
  PGSSLCOMPRESSION: 'sslcompression',
  PGCHANNELBINDING: 'channel_binding',
  PGREQUIREAUTH: 'require_auth',
  PGGSSENCMODE: 'gssencmode',
  PGKRBSRVNAME: 'krbsrvname',
  PGCLIENTENCODING: 'client_encoding',
  PGAPPNAME: 'application_name',
  PGCONNECT_TIMEOUT: 'connect_timeout',
  PGTARGETSESSIONATTRS: 'target_session_attrs',
  PGLOADBALANCEHOSTS: 'load_balance_hosts',
  PGOPTIONS: 'options',
  PGSERVICE: 'service',
} as const;

/**
 * libpq's other connection variables: set, they would change what psql connects with, so an
 * import that ignored them would not be the same connection. Refused by name instead.
 * (PGPASSFILE, PGSERVICEFILE and PGSYSCONFDIR are honoured as file locations.)
 */
const unsupported = [
  'PGREQUIRESSL',
  'PGREQUIREPEER',
  'PGGSSDELEGATION',
  'PGGSSLIB',
  'PGDATESTYLE',
  'PGTZ',
  'PGGEQO',
];

/** The PG* environment as libpq keyword/value pairs; empty variables count as unset. */
export function environmentParameters(env: NodeJS.ProcessEnv): ConnectionParameter[] {
  for (const name of unsupported) {
    if (env[name]) {
      throw new TuskError({
        kind: 'InvalidInput',
        field: name,
        message: `${name} is set, and Tusk cannot honour it: unset it to import the PG* environment`,
      });
    }
  }
  const pairs: ConnectionParameter[] = [];
  for (const [variable, keyword] of Object.entries(environmentKeywords)) {
    const value = env[variable];
    if (value !== undefined && value !== '') pairs.push([keyword, value]);
  }
  return pairs;
}
