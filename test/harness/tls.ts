import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TlsFixtures = {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Removes the directory, unless the caller passed it in. */
  dispose(): Promise<void>;
};

const SERVER_EXTENSIONS = `basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
`;

/**
 * A throwaway CA and a server certificate it signed for `localhost` and 127.0.0.1, so a client
 * can verify the server the way `sslMode: 'verify-full'` will. EC P-256 keeps openssl fast.
 *
 * The key is 0600 and owned by the caller. postgres takes a key only when its own OS user owns it
 * with 0600, or root owns it with 0640 and the server's group; `startPostgres` therefore installs
 * a copy the server owns rather than relying on these files' owner.
 */
export async function makeTlsFixtures(dir?: string): Promise<TlsFixtures> {
  const out = dir ?? (await mkdtemp(join(tmpdir(), 'tusk-tls-')));
  // Relative names under cwd keep the commands readable and safe for any directory name.
  const openssl = (args: string) => run('openssl', args.trim().split(/\s+/), { cwd: out });
  const newKey = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';
  try {
    await openssl(`req -x509 ${newKey} -days 30 -subj /CN=tusk-test-ca -keyout ca.key -out ca.crt
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign`);
    await openssl(`req ${newKey} -subj /CN=localhost -keyout server.key -out server.csr`);
    await writeFile(join(out, 'server.ext'), SERVER_EXTENSIONS);
    await openssl(`x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30
      -extfile server.ext -out server.crt`);
    await Promise.all([chmod(join(out, 'server.key'), 0o600), chmod(join(out, 'ca.key'), 0o600)]);
  } catch (error) {
    if (!dir) await rm(out, { recursive: true, force: true });
    throw error;
  }
  return {
    dir: out,
    caFile: join(out, 'ca.crt'),
    certFile: join(out, 'server.crt'),
    keyFile: join(out, 'server.key'),
    dispose: async () => {
      if (!dir) await rm(out, { recursive: true, force: true });
    },
  };
}

export type ClientCertificate = { certFile: string; keyFile: string };

const CLIENT_EXTENSIONS = `basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
`;

/**
 * A client certificate for `user` (its CN, which pg_hba's `cert` method matches), signed by the
 * fixtures' CA. With a passphrase the key is written encrypted (AES-256, PKCS#8); the passphrase
 * goes to openssl through its environment, never on a command line.
 */
export async function makeClientCertificate(
  fixtures: TlsFixtures,
  user: string,
  passphrase?: string,
): Promise<ClientCertificate> {
  const name = `client-${user}`;
  const env = { ...process.env, TUSK_KEY_PASS: passphrase ?? '' };
  const openssl = (args: string[]) => run('openssl', args, { cwd: fixtures.dir, env });
  const encrypt = passphrase ? ['-aes256', '-pass', 'env:TUSK_KEY_PASS'] : [];
  const unlock = passphrase ? ['-passin', 'env:TUSK_KEY_PASS'] : [];
  await openssl([
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    ...encrypt,
    '-out',
    `${name}.key`,
  ]);
  await openssl([
    'req',
    '-new',
    '-key',
    `${name}.key`,
    ...unlock,
    '-subj',
    `/CN=${user}`,
    '-out',
    `${name}.csr`,
  ]);
  await writeFile(join(fixtures.dir, `${name}.ext`), CLIENT_EXTENSIONS);
  await openssl(
    `x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile ${name}.ext -out ${name}.crt`.split(
      ' ',
    ),
  );
  await chmod(join(fixtures.dir, `${name}.key`), 0o600);
  return {
    certFile: join(fixtures.dir, `${name}.crt`),
    keyFile: join(fixtures.dir, `${name}.key`),
  };
}
