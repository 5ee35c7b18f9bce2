import { createPrivateKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TuskError } from '../../machines/errors.ts';

/*
 * The files libpq reads for TLS: the operating system's trust store (sslrootcert=system), the
 * client certificate and its key (sslcert, sslkey, sslpassword), and revocation lists (sslcrl,
 * sslcrldir). Errors name the setting and the file, never a passphrase or a key.
 */

const unreadable = (field: string, what: string, path: string, error: unknown) =>
  new TuskError(
    {
      kind: 'InvalidInput',
      field,
      path,
      message: `Cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    },
    { cause: error },
  );

async function read(field: string, what: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(field, what, path, error);
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function blocks(text: string, label: RegExp): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => label.test(m[1]!)).map((m) => m[0]);
}

/**
 * OpenSSL's default verify paths, as libpq's sslrootcert=system loads them
 * (X509_STORE_set_default_paths): the bundle SSL_CERT_FILE, else the distribution's; and the
 * directories of SSL_CERT_DIR (colon-separated), else the distribution's. Node 20 has no
 * tls.getCACertificates('system'), and its own tls.rootCertificates is Mozilla's list compiled
 * into Node, not the system's, so the files are read here.
 */
export const DEFAULT_CERT_FILES = [
  '/usr/lib/ssl/cert.pem',
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];
export const DEFAULT_CERT_DIRS = ['/usr/lib/ssl/certs'];

export async function systemRoots(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const found = new Set<string>();
  const files = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : DEFAULT_CERT_FILES;
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    for (const cert of blocks(text, /^(TRUSTED )?CERTIFICATE$/)) found.add(cert);
    // OpenSSL loads one default bundle: the first that exists.
    if (!env.SSL_CERT_FILE) break;
  }
  const dirs = env.SSL_CERT_DIR ? env.SSL_CERT_DIR.split(':') : DEFAULT_CERT_DIRS;
  for (const dir of dirs.filter(Boolean)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      // OpenSSL's lookup reads the hashed names (<hash>.<n>) that c_rehash makes.
      if (!/^[0-9a-f]{8}\.\d+$/.test(name)) continue;
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      for (const cert of blocks(text, /^(TRUSTED )?CERTIFICATE$/)) found.add(cert);
    }
  }
  if (found.size === 0) {
    throw new TuskError({
      kind: 'InvalidInput',
      field: 'sslCaCert',
      message:
        'sslrootcert=system: the system trust store has no certificates ' +
        `(looked in ${[...files, ...dirs].join(', ')}; SSL_CERT_FILE and SSL_CERT_DIR choose others)`,
    });
  }
  return [...found];
}

export interface ClientCertificate {
  cert: string;
  /** Unencrypted, so that no passphrase travels further than this function. */
  key: string;
}

/** The client certificate and its key; an encrypted key is opened with the passphrase. */
export async function clientCertificate(
  certFile: string,
  keyFile: string,
  passphrase: string | undefined,
): Promise<ClientCertificate> {
  const cert = await read('sslCert', 'client certificate', certFile);
  if (!blocks(cert, /CERTIFICATE$/).length) {
    throw new TuskError({
      kind: 'InvalidInput',
      field: 'sslCert',
      path: certFile,
      message: `The client certificate file ${certFile} contains no PEM certificate`,
    });
  }
  const pem = await read('sslKey', 'client key', keyFile);
  const encrypted = /ENCRYPTED/.test(pem);
  if (encrypted && passphrase === undefined) {
    throw new TuskError({
      kind: 'CredentialNotFound',
      field: 'sslKey',
      path: keyFile,
      message: `The client key ${keyFile} is encrypted, and no passphrase for it is in the keyring`,
    });
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem', passphrase: passphrase ?? '' });
    return { cert, key: key.export({ format: 'pem', type: 'pkcs8' }) as string };
  } catch {
    // OpenSSL's own message adds nothing the user can act on, so it is not kept as the cause.
    throw new TuskError({
      kind: encrypted ? 'AuthFailed' : 'InvalidInput',
      field: 'sslKey',
      path: keyFile,
      message: encrypted
        ? `The passphrase for the client key ${keyFile} is wrong`
        : `The client key file ${keyFile} holds no private key Tusk can read`,
    });
  }
}

/** sslcrl and every file of sslcrldir, as PEM CRLs. */
export async function revocationLists(file?: string, dir?: string): Promise<string[]> {
  const lists: string[] = [];
  if (file) lists.push(...blocks(await read('sslCrl', 'CRL file', file), /X509 CRL$/));
  if (dir) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      throw unreadable('sslCrlDir', 'CRL directory', dir, error);
    }
    for (const name of names) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      lists.push(...blocks(text, /X509 CRL$/));
    }
  }
  return lists;
}
