import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
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
import { spawnReaper } from './reaper.ts';

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
  return startCluster(await clusterLocation(resolve(dataDir)), { scratch: false });
}

/**
 * A server of the same kind in a directory of its own that goes when it stops (or when this
 * process dies, however it dies): the terminal demo's, which keeps nothing between runs.
 */
export async function startScratchServer(): Promise<DemoServer> {
  // As root the server's OS user must reach it: not below /root, and passable (0711).
  const parent = process.env.TUSK_PG_DIR ?? (isRoot ? '/tmp' : tmpdir());
  const clusterDir = await mkdtemp(join(parent, 'tusk-demo-'));
  await chmod(clusterDir, 0o711);
  return startCluster(clusterDir, { scratch: true }).catch(async (error) => {
    await rm(clusterDir, { recursive: true, force: true });
    throw error;
  });
}

async function startCluster(clusterDir: string, opts: { scratch: boolean }): Promise<DemoServer> {
  const pgData = join(clusterDir, 'data');
  const passwordFile = join(clusterDir, 'password');
  const log = logTail();
  const stopReaper = stopAfterExit(clusterDir, opts.scratch);
  const password = await initialised(pgData, passwordFile, log).catch((error) => {
    stopReaper();
    throw error;
  });

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
  const { rows } = await admin
    .query<{ v: string }>("select current_setting('server_version') v")
    .catch(async (error: unknown) => {
      await admin.end();
      if (child) await stopChild(child);
      stopReaper();
      throw startFailure(clusterDir, error);
    });
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
        if (opts.scratch) await rm(clusterDir, { recursive: true, force: true });
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
// end of the pipe closes), then stops the server whose pid is in postmaster.pid; a scratch
// cluster's directory goes too, once the server has let go of it.
const REAPER = `pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
running() { [ -r /proc/$pid/status ] && ! grep -q '^State:[[:space:]]*Z' /proc/$pid/status; }
if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = postgres ]; then
  kill -QUIT "$pid"; i=0
  while [ $i -lt 50 ] && running; do sleep 0.1; i=$((i+1)); done
fi
if [ "$2" = scratch ]; then rm -rf "$1"; fi`;

function stopAfterExit(clusterDir: string, scratch: boolean): () => void {
  const args = [clusterDir, scratch ? 'scratch' : 'keep'];
  return spawnReaper(REAPER, 'tusk-demo-reaper', args);
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
