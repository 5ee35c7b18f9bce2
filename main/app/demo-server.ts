import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  embedded,
  isAlive,
  isRoot,
  launch,
  logTail,
  SUPERUSER,
  stopChild,
} from './embedded-server.ts';
import { othersCanReach } from './pg-binaries.ts';

/**
 * The demo's own PostgreSQL: a cluster kept in the app's data directory (`<dataDir>/demo-pg`),
 * made by initdb on the first run and reused afterwards, started on a free port on 127.0.0.1
 * with password (SCRAM) auth, and stopped with the app.
 *
 * As root the server runs as the `postgres` OS user, which cannot enter the app's data directory
 * (0700, often below /root): the cluster then lives in /var/lib/tusk (one per data directory),
 * and `<dataDir>/demo-pg` is a link to it.
 */
export interface DemoServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly database: 'postgres';
  /** The directory holding the cluster (`data/`) and its superuser's password file. */
  readonly clusterDir: string;
  readonly version: string;
  /** The superuser's password; not enumerable, so printing the server does not show it. */
  readonly password: string;
  /** pg_terminate_backend on every client backend with this application name; their pids. */
  terminate(applicationName: string): Promise<number[]>;
  /** Fast shutdown, then start again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops the server (its files stay for the next run). Idempotent. */
  close(): Promise<void>;
}

const ADMIN_APPLICATION_NAME = 'tusk-demo-admin';
const SYSTEM_ROOT = '/var/lib/tusk';

export async function startDemoServer(dataDir: string): Promise<DemoServer> {
  const clusterDir = await clusterLocation(resolve(dataDir));
  const pgData = join(clusterDir, 'data');
  const passwordFile = join(clusterDir, 'password');
  const log = logTail();
  const password = await initialised(pgData, passwordFile, log);
  const stopReaper = stopAfterExit(pgData);

  const port = await freePort();
  const ep = embedded(pgData, password, {
    port,
    postgresFlags: [
      ['listen_addresses', '127.0.0.1'],
      // TCP only: no socket file to collide with a system PostgreSQL.
      ['unix_socket_directories', ''],
    ].flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: log.add,
    onError: log.add,
  });
  let child: ChildProcess | undefined;
  try {
    child = await launch(ep, port, log);
  } catch (error) {
    stopReaper();
    throw startFailure(clusterDir, error);
  }
  const admin = new pg.Pool({
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    application_name: ADMIN_APPLICATION_NAME,
    max: 1,
    allowExitOnIdle: true,
  });
  // Its idle client dies with every restart; the next query opens another.
  admin.on('error', () => {});
  const { rows } = await admin.query<{ v: string }>("select current_setting('server_version') v");
  let closing: Promise<void> | undefined;
  let queue = Promise.resolve();
  const serial = (step: () => Promise<void>) => {
    const next = queue.then(step);
    queue = next.catch(() => {});
    return next;
  };

  const server: DemoServer = {
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    database: 'postgres',
    clusterDir,
    version: rows[0]?.v ?? '?',
    password,
    async terminate(applicationName) {
      const result = await admin.query<{ pid: number }>(
        `select pid, pg_terminate_backend(pid, 5000) from pg_stat_activity
         where backend_type = 'client backend' and application_name = $1
           and pid <> pg_backend_pid()`,
        [applicationName],
      );
      return result.rows.map((r) => r.pid);
    },
    restart: () =>
      serial(async () => {
        if (closing) throw new Error('the demo server is stopping');
        if (child) await stopChild(child);
        child = await launch(ep, port, log);
      }),
    close() {
      closing ??= serial(async () => {
        await admin.end();
        if (child && isAlive(child)) await stopChild(child);
        stopReaper();
      });
      return closing;
    },
  };
  Object.defineProperty(server, 'password', { enumerable: false });
  return server;
}

/** `<dataDir>/demo-pg`, or, when the server's OS user cannot reach it, a place it can. */
async function clusterLocation(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const inside = join(dataDir, 'demo-pg');
  if (!isRoot || othersCanReach(dataDir)) {
    await mkdir(inside, { recursive: true, mode: 0o711 });
    await chmod(inside, 0o711);
    return inside;
  }
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const outside = join(SYSTEM_ROOT, `demo-${hash}`);
  await mkdir(outside, { recursive: true, mode: 0o711 });
  await chmod(SYSTEM_ROOT, 0o711);
  await chmod(outside, 0o711);
  const link = await lstat(inside).catch(() => null);
  if (link && !link.isSymbolicLink()) {
    throw new Error(
      `${inside} is a directory the postgres user cannot enter; remove it to let Tusk make the demo database in ${outside}.`,
    );
  }
  if (!link || (await readlink(inside)) !== outside) {
    await rm(inside, { force: true });
    await symlink(outside, inside);
  }
  return outside;
}

/** The superuser's password, after initdb if the cluster does not exist yet. */
async function initialised(pgData: string, passwordFile: string, log: ReturnType<typeof logTail>) {
  if (existsSync(join(pgData, 'PG_VERSION'))) {
    const password = await readFile(passwordFile, 'utf8').catch(() => '');
    if (password) return password;
    throw new Error(
      `The demo database in ${pgData} has lost its password file (${passwordFile}); remove ${pgData} to make a new one.`,
    );
  }
  // Whatever a first run left half made goes: nothing in it is anyone's yet.
  await rm(pgData, { recursive: true, force: true });
  const password = randomBytes(18).toString('base64url');
  const ep = embedded(pgData, password, { onLog: log.add, onError: log.add });
  await ep.initialise().catch((cause) => {
    throw new Error(`initdb of the demo database in ${pgData} failed:\n${log.since(0)}`, {
      cause,
    });
  });
  await writeFile(
    join(pgData, 'pg_hba.conf'),
    '# Written by Tusk: password auth over TCP from localhost only.\n' +
      'host all all 127.0.0.1/32 scram-sha-256\n',
  );
  // Written last: its presence says the cluster is whole.
  await writeFile(passwordFile, password, { mode: 0o600 });
  return password;
}

function startFailure(clusterDir: string, error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  const running = /lock file "postmaster.pid" already exists/.exec(text);
  const message = running
    ? `The demo database in ${clusterDir} is in use by another PostgreSQL (another Tusk still running?); quit it, or start with --no-demo.`
    : `The demo PostgreSQL did not start: ${text}`;
  return new Error(message, { cause: error });
}

// A detached shell that waits for this process to die, however it dies (SIGKILL included: its
// end of the pipe closes), then stops the server whose pid is in postmaster.pid. Files stay.
const REAPER = `cat >/dev/null
pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = postgres ]; then kill -QUIT "$pid"; fi`;

function stopAfterExit(pgData: string): () => void {
  const reaper = spawn('sh', ['-c', REAPER, 'tusk-demo-reaper', pgData], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  reaper.unref();
  (reaper.stdin as unknown as net.Socket).unref();
  reaper.stdin?.on('error', () => {});
  return () => {
    if (reaper.pid === undefined || reaper.exitCode !== null) return;
    try {
      process.kill(-reaper.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', done);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
