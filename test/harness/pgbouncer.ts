import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { spawnReaper } from '../../main/app/reaper.ts';
import { isAlive, isRoot, logTail, makeBase } from './embedded.ts';

/*
 * Debian's PgBouncer (1.18) as its own process in front of a test server, on a free loopback
 * port, with its own ini and auth_file. It refuses to run as root, so as root it runs as the
 * `postgres` OS user, in a directory that user may enter (see makeBase). SCRAM for clients, with
 * plain-text passwords in the auth_file so it can log in to PostgreSQL with SCRAM too.
 */

const run = promisify(execFile);
const BINARY = process.env.TUSK_PGBOUNCER ?? '/usr/sbin/pgbouncer';
/** PgBouncer's own console: `SHOW POOLS`, `RECONNECT`, ... */
export const ADMIN_DATABASE = 'pgbouncer';

export type PoolMode = 'session' | 'transaction' | 'statement';

export interface PgBouncerOptions {
  /** The PostgreSQL server behind it. */
  target: { host: string; port: number };
  poolMode: PoolMode;
  /** Roles and their passwords (auth_file). The first is also the admin user. */
  users: Record<string, string>;
  /** More `[pgbouncer]` settings, e.g. `{ ignore_startup_parameters: 'options' }`. */
  settings?: Record<string, string | number>;
  /** A port of its own (a restart keeps it); default: a free one. */
  port?: number;
}

export interface PgBouncer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly poolMode: PoolMode;
  readonly adminUser: string;
  /** The process is running (not whether it answers: see `serving`). */
  alive(): boolean;
  /** Its process id while running. */
  pid(): number | undefined;
  /** Its directory (ini, auth_file, pid file); gone after dispose. */
  readonly dir: string;
  /** Logs in as `user` through it and runs `select 1` within 2 s. */
  serving(user: string, database: string): Promise<boolean>;
  /** One admin console command, e.g. `SHOW SERVERS`; its rows. */
  admin(command: string): Promise<Record<string, unknown>[]>;
  /** Fast shutdown (SIGTERM: every client and server connection is closed); a no-op if stopped. */
  stop(): Promise<void>;
  /** Starts again on the same port with the same ini; a no-op while running. */
  start(): Promise<void>;
  /** Its stderr, for failure messages (1.18 logs there when not daemonised). */
  log(): string;
  /** Stops it and removes its directory. Idempotent. */
  dispose(): Promise<void>;
}

export async function startPgBouncer(opts: PgBouncerOptions): Promise<PgBouncer> {
  const names = Object.keys(opts.users);
  const adminUser = names[0];
  if (!adminUser) throw new Error('startPgBouncer needs at least one user');
  const owner = isRoot ? await postgresIds() : undefined;
  const base = await makeBase('tusk-pgbouncer-');
  const runDir = join(base, 'run');
  await mkdir(runDir, { mode: 0o700 });
  if (owner) await chown(runDir, owner.uid, owner.gid);
  const stopReaper = reapAfterExit(runDir);
  const log = logTail();
  let port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let disposing: Promise<void> | undefined;

  const authFile = join(runDir, 'userlist.txt');
  const iniFile = join(runDir, 'pgbouncer.ini');
  const writeConfig = async () => {
    const users = Object.entries(opts.users)
      .map(([user, password]) => `${quote(user)} ${quote(password)}`)
      .join('\n');
    await writeFile(authFile, `${users}\n`, { mode: 0o600 });
    await writeFile(iniFile, ini(opts, port, runDir, authFile, adminUser), { mode: 0o600 });
    if (owner) {
      await chown(authFile, owner.uid, owner.gid);
      await chown(iniFile, owner.uid, owner.gid);
    }
  };

  const launch = async () => {
    const from = log.mark();
    const proc = spawn(BINARY, [iniFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    });
    proc.stdout?.on('data', log.add);
    proc.stderr?.on('data', log.add);
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    try {
      await untilListening(port, proc);
    } catch (error) {
      await stopPooler(proc);
      throw new Error(`pgbouncer did not start on 127.0.0.1:${port}: ${log.since(from)}`, {
        cause: error,
      });
    }
    return proc;
  };

  try {
    await writeConfig();
    for (let attempt = 1; !child; attempt++) {
      try {
        child = await launch();
      } catch (error) {
        if (opts.port !== undefined || attempt >= 3 || !/bind|in use/i.test(log.since(0))) {
          throw error;
        }
        port = await freePort();
        await writeConfig();
      }
    }
  } catch (error) {
    stopReaper();
    await rm(base, { recursive: true, force: true });
    throw error;
  }

  const connectAs = (user: string, database: string) =>
    new pg.Client({
      host: '127.0.0.1',
      port,
      user,
      database,
      password: opts.users[user],
      connectionTimeoutMillis: 2000,
      application_name: 'tusk-harness',
    });

  const bouncer: PgBouncer = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    poolMode: opts.poolMode,
    adminUser,
    alive: () => child !== undefined && isAlive(child),
    pid: () => (child && isAlive(child) ? child.pid : undefined),
    dir: base,
    async serving(user, database) {
      const client = connectAs(user, database);
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query('select 1 as one');
        return rows[0]?.one === 1;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async admin(command) {
      const client = connectAs(adminUser, ADMIN_DATABASE);
      client.on('error', () => undefined);
      try {
        await client.connect();
        // The console speaks the simple protocol only.
        return (await client.query(command)).rows;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async stop() {
      if (child) await stopPooler(child);
      child = undefined;
    },
    async start() {
      if (disposing) throw new Error('this pgbouncer has been disposed');
      if (child && isAlive(child)) return;
      child = await launch();
    },
    log: () => log.since(0),
    dispose() {
      disposing ??= (async () => {
        await bouncer.stop();
        stopReaper();
        await rm(base, { recursive: true, force: true });
      })();
      return disposing;
    },
  };
  return bouncer;
}

function ini(
  opts: PgBouncerOptions,
  port: number,
  runDir: string,
  authFile: string,
  adminUser: string,
): string {
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    // TCP only: no socket files for parallel poolers to collide on.
    unix_socket_dir: '',
    pidfile: join(runDir, 'pgbouncer.pid'),
    auth_type: 'scram-sha-256',
    auth_file: authFile,
    admin_users: adminUser,
    pool_mode: opts.poolMode,
    default_pool_size: 20,
    max_client_conn: 200,
    // Tests restart servers and poolers: retry a failed server login soon.
    server_login_retry: 1,
    ...opts.settings,
  };
  return [
    '; Written by test/harness/pgbouncer.ts',
    '[databases]',
    `* = host=${opts.target.host} port=${opts.target.port}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
    '',
  ].join('\n');
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** SIGTERM is PgBouncer's fast exit (SIGINT would wait for every client to leave). */
async function stopPooler(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(kill);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim())),
  );
  return { uid: uid as number, gid: gid as number };
}

/** Resolves once something accepts TCP connections on the port; rejects if `proc` exits first. */
async function untilListening(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!isAlive(proc)) throw new Error(`exited with ${proc.exitCode ?? proc.signalCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('not listening within 10 s');
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

// Poolers still running when this process exits; the reaper covers deaths that skip 'exit'.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

// As embedded.ts's reaper: a detached shell that waits for this process to die, however it
// dies, then stops the pooler named in its pid file and removes the directory.
const REAPER = `pid=$(head -n 1 "$1/pgbouncer.pid" 2>/dev/null)
if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = pgbouncer ]; then kill -KILL "$pid"; fi
rm -rf "$(dirname "$1")"`;

function reapAfterExit(runDir: string): () => void {
  return spawnReaper(REAPER, 'tusk-pgbouncer-reaper', [runDir]);
}
