import {
  type ConnectionOptions,
  type SslMode,
  SYSTEM_ROOTS,
  sslCertModes,
  sslModes,
  sslNegotiations,
  tlsVersions,
} from './config.ts';
import {
  type ConnectionStringConfig,
  invalidParameter,
  type Keyword,
} from './connection-keywords.ts';

/*
 * libpq's TLS keywords, hostaddr, and the socket keywords, judged for parseConnectionParameters
 * (connection-keywords.ts), each refusal naming its keyword.
 */

export type Get = (k: Keyword) => string | undefined;
type OneOf = <T extends string>(keyword: Keyword, value: string, allowed: readonly T[]) => T;

/** TLS: the mode, the trust store, the client certificate, SNI and protocol versions. */
export function tlsOf(get: Get, oneOf: OneOf): ConnectionStringConfig {
  const out: ConnectionStringConfig = {};
  const sslmode = get('sslmode');
  if (sslmode) out.sslMode = sslModeOf(sslmode);
  const negotiation = get('sslnegotiation');
  if (negotiation) out.sslNegotiation = oneOf('sslnegotiation', negotiation, sslNegotiations);
  const rootcert = get('sslrootcert');
  if (rootcert) {
    out.sslCaCert = rootcert;
    if (rootcert === SYSTEM_ROOTS) {
      // libpq: the system's roots make verify-full the default, and allow no weaker mode.
      out.sslMode ??= 'verify-full';
      if (out.sslMode !== 'verify-full') {
        throw invalidParameter(
          'sslmode',
          `weak sslmode "${out.sslMode}" may not be used with sslrootcert=system (use "verify-full")`,
        );
      }
    }
  }
  const files = [
    ['sslcert', 'sslCert'],
    ['sslkey', 'sslKey'],
    ['sslcrl', 'sslCrl'],
    ['sslcrldir', 'sslCrlDir'],
  ] as const;
  for (const [keyword, field] of files) {
    const value = get(keyword);
    if (value) out[field] = value;
  }
  const certMode = get('sslcertmode');
  if (certMode) out.sslCertMode = oneOf('sslcertmode', certMode, sslCertModes);
  const sni = get('sslsni');
  if (sni) out.sslSni = flagOf('sslsni', sni);
  // sslcompression is accepted and ignored, as libpq 16 does (no TLS library offers it now).
  if (get('sslcompression')) flagOf('sslcompression', get('sslcompression')!);
  const min = get('ssl_min_protocol_version');
  if (min) out.sslMinProtocolVersion = versionOf('ssl_min_protocol_version', min);
  const max = get('ssl_max_protocol_version');
  if (max) out.sslMaxProtocolVersion = versionOf('ssl_max_protocol_version', max);
  if (
    min &&
    max &&
    tlsVersions.indexOf(out.sslMinProtocolVersion!) >
      tlsVersions.indexOf(out.sslMaxProtocolVersion!)
  ) {
    throw invalidParameter('ssl_max_protocol_version', 'invalid SSL protocol version range');
  }
  return out;
}

/** keepalives* and tcp_user_timeout, which libpq applies to each TCP socket. */
export function socketOptionsOf(get: Get): Partial<ConnectionOptions> {
  const out: Partial<ConnectionOptions> = {};
  const on = get('keepalives');
  if (on) out.tcpKeepalives = numberOf('keepalives', on) !== 0;
  const idle = get('keepalives_idle');
  if (idle) out.tcpKeepalivesIdleSec = numberOf('keepalives_idle', idle);
  const interval = get('keepalives_interval');
  if (interval) out.tcpKeepalivesIntervalSec = numberOf('keepalives_interval', interval);
  const count = get('keepalives_count');
  if (count) out.tcpKeepalivesCount = numberOf('keepalives_count', count);
  const user = get('tcp_user_timeout');
  if (user) out.tcpUserTimeoutMs = numberOf('tcp_user_timeout', user);
  return out;
}

function numberOf(keyword: Keyword, value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw invalidParameter(
      keyword,
      `invalid integer value "${value}" for connection option "${keyword}"`,
    );
  }
  return Number(value.trim());
}

function flagOf(keyword: Keyword, value: string): boolean {
  if (value !== '0' && value !== '1') throw invalidParameter(keyword, `${keyword} must be 0 or 1`);
  return value === '1';
}

function versionOf(keyword: Keyword, value: string) {
  const found = tlsVersions.find((v) => v.toLowerCase() === value.toLowerCase());
  if (!found) throw invalidParameter(keyword, `invalid "${keyword}" value: "${value}"`);
  return found;
}

export function hostaddrOf(value: string, hosts: number): string {
  const list = value.split(',');
  if (list.length !== 1 || hosts !== 1) {
    throw invalidParameter(
      'hostaddr',
      list.length === hosts
        ? 'a list of hostaddr values is not supported: give one host and one hostaddr'
        : `could not match ${hosts} host names to ${list.length} hostaddr values`,
    );
  }
  if (!/^[0-9.]+$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.%a-zA-Z]*$/.test(value)) {
    throw invalidParameter(
      'hostaddr',
      `could not parse network address "${value}" (hostaddr takes an IP address; a name goes in host)`,
    );
  }
  return value;
}

function sslModeOf(value: string): SslMode {
  if ((sslModes as readonly string[]).includes(value)) return value as SslMode;
  const why =
    value === 'allow'
      ? 'sslmode=allow (plain text first) is not supported: use prefer or disable'
      : `sslmode must be one of ${sslModes.join(', ')}`;
  throw invalidParameter('sslmode', why);
}
