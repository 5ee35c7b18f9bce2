import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import {
  type ConnectionOptions as TlsOptions,
  checkServerIdentity as tlsCheckServerIdentity,
} from 'node:tls';
import { type ConnectionConfig, SYSTEM_ROOTS } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import { clientCertificate, revocationLists, systemRoots } from './tls-files.ts';

/**
 * How to speak TLS for one session: pg's `ssl` option, and whether a server that refuses TLS
 * may be retried in plain text. Only `prefer` allows that; every other mode that asks for TLS
 * fails with TLS_UNSUPPORTED rather than silently sending the password in the clear.
 */
export interface TlsPlan {
  ssl: false | TlsOptions;
  fallbackToPlain: boolean;
}

const PEM_CERT = '-----BEGIN CERTIFICATE-----';

async function readCa(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TuskError(
      {
        kind: 'InvalidInput',
        field: 'sslCaCert',
        path,
        message: `Cannot read the CA certificate file ${path} (${reason})`,
      },
      { cause: error },
    );
  }
  if (!pem.includes(PEM_CERT)) {
    throw new TuskError({
      kind: 'InvalidInput',
      field: 'sslCaCert',
      path,
      message: `The CA certificate file ${path} contains no PEM certificate`,
    });
  }
  return pem;
}

/** What TLS needs from the keyring: the client key's passphrase (libpq's sslpassword). */
export interface TlsSecrets {
  keyPassphrase?: string;
}

export async function tlsPlan(
  config: ConnectionConfig,
  secrets: TlsSecrets = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<TlsPlan> {
  const plan = await modePlan(config, env);
  if (!plan.ssl) return plan;
  return { ...plan, ssl: await withLibpqOptions(plan.ssl, config, secrets) };
}

/**
 * The client certificate (sent unless sslcertmode=disable), revocation lists, protocol versions,
 * and with hostaddr the name that TLS checks and sends as SNI (pg would use the address).
 */
async function withLibpqOptions(
  ssl: TlsOptions,
  config: ConnectionConfig,
  secrets: TlsSecrets,
): Promise<TlsOptions> {
  const out: TlsOptions = { ...ssl };
  if (config.sslCertMode === 'require' && !config.sslCert) {
    throw new TuskError({
      kind: 'InvalidInput',
      field: 'sslCert',
      message: 'sslcertmode=require needs a client certificate (sslcert)',
    });
  }
  if (config.sslCert && config.sslCertMode !== 'disable') {
    const { cert, key } = await clientCertificate(
      config.sslCert,
      config.sslKey ?? config.sslCert,
      secrets.keyPassphrase,
    );
    out.cert = cert;
    // pg makes `key` non-enumerable, so it shows in no log of the client or its config.
    Object.defineProperty(out, 'key', { value: key, enumerable: false, writable: true });
  }
  const crl = await revocationLists(config.sslCrl, config.sslCrlDir);
  if (crl.length) out.crl = crl;
  if (config.sslMinProtocolVersion) out.minVersion = config.sslMinProtocolVersion;
  if (config.sslMaxProtocolVersion) out.maxVersion = config.sslMaxProtocolVersion;
  if (config.hostaddr && isIP(config.host) === 0) {
    // sslsni=0 is honoured here, with hostaddr; for a host name pg always sends it as SNI.
    if (config.sslSni !== false) out.servername = config.host;
    if (config.sslMode === 'verify-full') {
      const check = tlsCheckServerIdentity;
      out.checkServerIdentity = (_address, cert) => check(config.host, cert);
    }
  }
  return out;
}

async function modePlan(config: ConnectionConfig, env: NodeJS.ProcessEnv): Promise<TlsPlan> {
  // libpq never speaks TLS over a Unix-domain socket, whatever the sslmode ("sslmode is ignored
  // for Unix domain socket communication"; libpq 17 still connects in plain text with require).
  if (config.host.startsWith('/')) return { ssl: false, fallbackToPlain: false };
  switch (config.sslMode) {
    case 'disable':
      return { ssl: false, fallbackToPlain: false };
    // libpq's prefer and require do not verify the certificate either: they only encrypt.
    case 'prefer':
      return { ssl: { rejectUnauthorized: false }, fallbackToPlain: true };
    case 'require':
      return { ssl: { rejectUnauthorized: false }, fallbackToPlain: false };
    case 'verify-ca':
    case 'verify-full': {
      if (!config.sslCaCert) {
        throw new TuskError({
          kind: 'InvalidInput',
          field: 'sslCaCert',
          message: `A CA certificate is required for sslMode ${config.sslMode}`,
        });
      }
      const ca =
        config.sslCaCert === SYSTEM_ROOTS ? await systemRoots(env) : await readCa(config.sslCaCert);
      const ssl: TlsOptions = { ca, rejectUnauthorized: true };
      // verify-ca trusts any name on a certificate the CA signed; verify-full also checks the
      // host name (pg passes `host`, and sets SNI only for names, never for IP addresses).
      if (config.sslMode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
      return { ssl, fallbackToPlain: false };
    }
  }
}

export const isTlsUnsupported = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === 'TLS_UNSUPPORTED';

/**
 * libpq's `prefer`: TLS first, and plain text only when the server answers that it has no TLS
 * (and `canRetry()` still holds, i.e. the open was not cancelled meanwhile). Returns the `ssl`
 * setting that worked, for the connections that follow.
 */
export async function withTlsFallback(
  plan: TlsPlan,
  canRetry: () => boolean,
  open: (ssl: TlsPlan['ssl']) => Promise<void>,
): Promise<TlsPlan['ssl']> {
  try {
    await open(plan.ssl);
    return plan.ssl;
  } catch (error) {
    if (!plan.fallbackToPlain || !isTlsUnsupported(error) || !canRetry()) throw error;
    await open(false);
    return false;
  }
}
