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
  params.push(...libpqParams(config));
  const o = config.options;
  if (o.applicationName !== DEFAULTS.applicationName) {
    params.push(['application_name', o.applicationName]);
  }
  if (o.connectTimeoutSec !== DEFAULTS.connectTimeoutSec) {
    params.push(['connect_timeout', String(o.connectTimeoutSec)]);
  }
  const startup: string[] = o.startupOptions ? [o.startupOptions] : [];
  if (o.readonly) startup.push('-c default_transaction_read_only=on');
  if (o.statementTimeoutMs !== undefined)
    startup.push(`-c statement_timeout=${o.statementTimeoutMs}`);
  if (startup.length) params.push(['options', startup.join(' ')]);
  if (o.targetSessionAttrs !== 'any') params.push(['target_session_attrs', o.targetSessionAttrs]);
  if (o.loadBalanceHosts !== 'disable') params.push(['load_balance_hosts', o.loadBalanceHosts]);
  if (o.tcpKeepalives === false) params.push(['keepalives', '0']);
  const numbers = [
    ['keepalives_idle', o.tcpKeepalivesIdleSec],
    ['keepalives_interval', o.tcpKeepalivesIntervalSec],
    ['keepalives_count', o.tcpKeepalivesCount],
    ['tcp_user_timeout', o.tcpUserTimeoutMs],
  ] as const;
  for (const [k, v] of numbers) if (v !== undefined) params.push([k, String(v)]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return (
    `postgresql://${encodeURIComponent(config.username)}@${authority}` +
    `/${encodeURIComponent(config.database)}${query ? `?${query}` : ''}`
  );
}

/** The TLS and authentication keywords libpq has for what the config says (never a secret). */
function libpqParams(c: ConnectionConfig): [string, string][] {
  const out: [string, string][] = [];
  const add = (k: string, v: string | undefined) => v !== undefined && out.push([k, v]);
  add('hostaddr', c.hostaddr);
  add('sslcert', c.sslCert);
  add('sslkey', c.sslKey);
  if (c.sslCertMode && c.sslCertMode !== 'allow') add('sslcertmode', c.sslCertMode);
  add('sslcrl', c.sslCrl);
  add('sslcrldir', c.sslCrlDir);
  if (c.sslSni === false) add('sslsni', '0');
  add('ssl_min_protocol_version', c.sslMinProtocolVersion);
  add('ssl_max_protocol_version', c.sslMaxProtocolVersion);
  if (c.channelBinding && c.channelBinding !== 'prefer') add('channel_binding', c.channelBinding);
  add('require_auth', c.requireAuth);
  add('passfile', c.passfile);
  return out;
}
