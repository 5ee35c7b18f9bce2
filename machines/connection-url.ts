import { type ConnectionConfig, DEFAULTS } from './config.ts';

/** An IPv6 literal, optionally with a zone (`fe80::1%eth0`): bracketed in a URI. */
const ipv6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%.+)?$/;

function hostPart(host: string): string {
  if (ipv6.test(host)) return `[${host.replace('%', '%25')}]`;
  // encodeURIComponent leaves none of `/ : , @ ? [ ]`, so a socket path reads back as a path.
  return encodeURIComponent(host);
}

/**
 * The config as a libpq URI that psql, pg_dump and parseConnectionString all read back to the
 * same connection: hosts, database, user, TLS and the options libpq has keywords for. Never the
 * password (it is in the keyring, if anywhere). Tusk-only settings (keepalive interval, pool
 * size, reconnect attempts, environment, colour) have no keyword and are left out.
 */
export function toConnectionUrl(config: ConnectionConfig): string {
  const hosts = config.hosts ?? [{ host: config.host, port: config.port }];
  const authority = hosts
    .map(({ host, port }) => `${hostPart(host)}${port === DEFAULTS.port ? '' : `:${port}`}`)
    .join(',');
  const params: [string, string][] = [];
  if (config.sslMode !== 'prefer') params.push(['sslmode', config.sslMode]);
  if (config.sslNegotiation !== 'postgres') params.push(['sslnegotiation', config.sslNegotiation]);
  if (config.sslCaCert) params.push(['sslrootcert', config.sslCaCert]);
  const o = config.options;
  if (o.applicationName !== DEFAULTS.applicationName) {
    params.push(['application_name', o.applicationName]);
  }
  if (o.connectTimeoutSec !== DEFAULTS.connectTimeoutSec) {
    params.push(['connect_timeout', String(o.connectTimeoutSec)]);
  }
  const startup: string[] = [];
  if (o.readonly) startup.push('-c default_transaction_read_only=on');
  if (o.statementTimeoutMs !== undefined)
    startup.push(`-c statement_timeout=${o.statementTimeoutMs}`);
  if (startup.length) params.push(['options', startup.join(' ')]);
  if (o.targetSessionAttrs !== 'any') params.push(['target_session_attrs', o.targetSessionAttrs]);
  if (o.loadBalanceHosts !== 'disable') params.push(['load_balance_hosts', o.loadBalanceHosts]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return (
    `postgresql://${encodeURIComponent(config.username)}@${authority}` +
    `/${encodeURIComponent(config.database)}${query ? `?${query}` : ''}`
  );
}
