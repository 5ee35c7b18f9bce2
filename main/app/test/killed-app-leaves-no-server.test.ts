import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished, test } from 'vitest';
import { until } from '../../web/test/helpers.ts';
import { freshAppDir, headlessEnv, output, processesIn } from './helpers.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The processes of a process group, from /proc/<pid>/stat (its fifth field is the group). */
function inGroup(group: number): { pid: number; comm: string }[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === group ? [{ pid: Number(entry), comm }] : [];
      } catch {
        return [];
      }
    });
}

// SIGKILL runs no handler: the demo server is stopped by the reaper the app started with it.
test('when the app is SIGKILLed, its demo PostgreSQL stops all the same, and its data stays', async () => {
  const dataDir = await freshAppDir();
  const web = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['main/cli/web.ts', '--no-open', '--data-dir', dataDir],
    { cwd: root, env: await headlessEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const printed = output(web);
  onTestFinished(() => {
    if (web.exitCode === null && web.signalCode === null) process.kill(-web.pid!, 'SIGKILL');
  });
  await until('the URL', () => /Tusk is running at /.test(printed.stdout()), 60_000).catch(
    (error) => {
      throw new Error(`${error.message}\n${printed.all()}`);
    },
  );
  const cluster = await realpath(join(dataDir, 'demo-pg'));
  const postmaster = Number(
    (await readFile(join(cluster, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  expect(processesIn(cluster)).toContain(postmaster);

  // The app's own processes (tsx and the node it runs), not the server: as `kill -9` or the
  // OOM killer would. Killing the whole process group would take the server with it.
  const app = inGroup(web.pid!).filter((p) => p.comm !== 'postgres');
  expect(app.map((p) => p.comm)).toContain('node');
  for (const { pid } of app) process.kill(pid, 'SIGKILL');
  await until('the demo server to stop', () => processesIn(cluster).length === 0, 10_000);
  expect(await readFile(join(cluster, 'data', 'PG_VERSION'), 'utf8')).toMatch(/^18/);
});
