import type { ConnectionConfig } from '../../machines/config.ts';
import type { TestStageName } from '../../machines/diagnostics.types.ts';
import type { TuskError } from '../../machines/errors.ts';
import { POOLER_DETAIL } from '../pg/errors.ts';

/*
 * What the user can do about a failed stage, in plain words. Keyed by the stage and the error's
 * code; the error itself (kind, code, the server's message) stays as it was mapped by
 * toTuskError. A hint names the host, port, user and database, never the password.
 */

type Hint = (error: TuskError, config: ConnectionConfig) => string | undefined;

const where = (c: ConnectionConfig) => `${c.host}:${c.port}`;
const seconds = (c: ConnectionConfig) => `${c.options.connectTimeoutSec} s`;

const CA_PROBLEMS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The names a certificate is valid for, from the verification error Node raised. */
function certificateNames(error: TuskError): string | undefined {
  const cert = (error.cause as { cert?: { subjectaltname?: string; subject?: { CN?: unknown } } })
    ?.cert;
  const sans = cert?.subjectaltname
    ?.split(', ')
    .map((san) => san.replace(/^(DNS|IP Address):/, ''))
    .join(', ');
  return sans || (cert?.subject?.CN ? String(cert.subject.CN) : undefined);
}

/** Failures that can happen whenever a socket is opened, whatever the stage. */
const network: Hint = (error, c) => {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `Nothing listens on ${where(c)} — is PostgreSQL running, and are \`listen_addresses\` and the port right?`;
    case 'ETIMEDOUT':
      return `No answer from ${where(c)} within ${seconds(c)}: a firewall, or a wrong address?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return `No route to ${c.host}: check the network or VPN, and the address`;
    case 'ECONNRESET':
      return `${where(c)} reset the connection: a firewall or proxy may be rejecting it`;
    case 'EACCES':
    case 'EPERM':
      return 'This machine may not open that connection: a local firewall or sandbox?';
    case 'ENOENT':
      return `No PostgreSQL socket in ${c.host}: is the server running, with \`unix_socket_directories\` including that directory and port ${c.port}?`;
    default:
      return undefined;
  }
};

const dns: Hint = (error, c) => {
  switch (error.code) {
    case 'ENOTFOUND':
      return `Check the host name "${c.host}"; it does not resolve from this machine`;
    case 'EAI_AGAIN':
      return `The name server did not answer for "${c.host}"; check the network or DNS settings and try again`;
    case 'ETIMEDOUT':
      return `Resolving "${c.host}" took over ${seconds(c)}; check the network or DNS settings`;
    default:
      return `Check the host name "${c.host}" and this machine's DNS settings`;
  }
};

const tls: Hint = (error, c) => {
  const code = error.code ?? '';
  if (error.kind === 'InvalidInput' && error.field === 'sslCaCert') {
    return 'Check sslCaCert: it must be a readable PEM file holding the CA certificate';
  }
  if (code === 'ETIMEDOUT') {
    return `${where(c)} took the connection but did not answer the TLS request within ${seconds(c)}: a firewall or proxy holding it, or not PostgreSQL on this port?`;
  }
  if (code === 'TLS_UNSUPPORTED') {
    return c.host.startsWith('/')
      ? 'PostgreSQL never offers TLS over a Unix socket; use sslMode prefer or disable for a socket directory'
      : `The server has TLS turned off (ssl = off); turn it on, or use sslMode prefer or disable if plain text is acceptable on this network`;
  }
  if (code === 'TLS_BAD_RESPONSE') {
    return `Whatever listens on ${where(c)} did not answer like PostgreSQL: check the port`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = certificateNames(error);
    return `The server's certificate does not match the host name ${c.host}; use verify-ca or connect by the name in the certificate${names ? `: ${names}` : ''}`;
  }
  if (CA_PROBLEMS.has(code)) {
    return `The server's certificate is not signed by the CA in ${c.sslCaCert ?? 'sslCaCert'}; point sslCaCert at the CA that issued it`;
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return "The server's certificate has expired; it must be renewed on the server";
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return "The server's certificate is not valid yet; check this machine's clock";
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    return 'The TLS handshake failed: the server may want a TLS version or cipher this client does not offer (see ssl_min_protocol_version)';
  }
  if (error.message.includes('closed while connecting')) {
    return `${where(c)} closed the connection during the TLS request: a proxy, a firewall, or a server out of connection slots?`;
  }
  return network(error, c);
};

const auth: Hint = (error, c) => {
  // PgBouncer's own refusals carry a hint in the pooler's terms (main/pg/errors.ts).
  if (error.detail === POOLER_DETAIL && error.hint) return error.hint;
  switch (error.code) {
    case '28P01':
      return `Wrong password for user ${c.username}, or the keyring holds an old one`;
    case '28000':
      return `The server does not let user ${c.username} into database ${c.database} from this machine: check pg_hba.conf (host, user, database, TLS) and that the role may log in`;
    case '3D000':
      return `Database ${c.database} does not exist on ${where(c)}; check the name (case matters) or create it`;
    case '53300':
      return 'The server has no free connection slots; close other sessions or raise max_connections';
    case '57P03':
      return 'The server is starting up, shutting down or in recovery; try again shortly';
    case 'TARGET_MISMATCH':
      return `${where(c)} is up, but its role does not fit target_session_attrs=${c.options.targetSessionAttrs}: list the host that has that role, or change the target`;
    case 'SETTINGS_NOT_APPLIED':
      return 'Something between here and PostgreSQL drops startup options without showing itself as a pooler (PgBouncer is recognised, and there the settings are enforced per transaction); connect to PostgreSQL directly, or turn off read-only and the statement timeout';
  }
  if (error.kind === 'AuthFailed') {
    return `The server wants a password for user ${c.username}: enter one, save it in the keyring, or add it to ~/.pgpass`;
  }
  if (error.kind === 'ConnectionTimeout') {
    return `${where(c)} took the connection but did not finish logging in within ${seconds(c)}: an overloaded server, or a proxy holding the connection?`;
  }
  return network(error, c);
};

const server: Hint = (error, c) =>
  network(error, c) ??
  'Logged in, but reading the server version failed; the server log should say why';

const sshWhere = (c: ConnectionConfig) => `${c.sshTunnel?.host}:${c.sshTunnel?.port}`;

const sshTcp: Hint = (error, c) =>
  error.code === 'ECONNREFUSED'
    ? `Nothing listens on ${sshWhere(c)} — is the SSH server running, and is the port right?`
    : error.code === 'ENOTFOUND'
      ? `Check the SSH host name "${c.sshTunnel?.host}"; it does not resolve from this machine`
      : undefined;

const sshHandshake: Hint = (error, c) => {
  if (error.kind === 'HostKeyUnknown') {
    return `Compare ${error.fingerprint} with the key of ${sshWhere(c)} (ssh-keygen -lf on the server), then accept it`;
  }
  if (error.kind === 'HostKeyChanged') {
    return `The server at ${sshWhere(c)} now has another key: if it was reinstalled on purpose, remove its old line from the known-hosts file; otherwise someone may be in between`;
  }
  return sshTcp(error, c);
};

const sshAuth: Hint = (error, c) => {
  if (error.kind === 'CredentialNotFound') return error.message;
  if (error.code === 'SSH_AUTH_FAILED') {
    const how =
      c.sshTunnel?.auth === 'key'
        ? 'the key and its passphrase'
        : c.sshTunnel?.auth === 'agent'
          ? 'the keys in the SSH agent'
          : 'the SSH password';
    return `Check the SSH user ${c.sshTunnel?.username} and ${how}`;
  }
  return undefined;
};

const forward: Hint = (_error, c) =>
  `The SSH server could not open a channel to ${where(c)}: check the database host as seen from the SSH server, and that it allows forwarding there (AllowTcpForwarding, PermitOpen)`;

const hints: Record<TestStageName, Hint> = {
  'ssh-tcp': sshTcp,
  'ssh-handshake': sshHandshake,
  'ssh-auth': sshAuth,
  forward,
  dns,
  tcp: network,
  tls,
  auth,
  server,
};

export const hintFor = (
  stage: TestStageName,
  error: TuskError,
  config: ConnectionConfig,
): string | undefined => hints[stage](error, config);
