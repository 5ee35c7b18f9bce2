import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, vi } from 'vitest';

const fixture = fileURLToPath(new URL('fixtures/start-and-wait.ts', import.meta.url));

// A process that dies by SIGKILL runs no 'exit' hook; the reaper must still clean up.
const running = (pid: number) => {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

test('when the process that started a server is SIGKILLed, postgres stops and its directory goes', async () => {
  const owner = spawn(process.execPath, ['--import', 'tsx', fixture], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    owner.stdout.setEncoding('utf8').once('data', resolve);
    owner.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  const { dataDir, backendPid } = JSON.parse(line) as { dataDir: string; backendPid: number };
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(running(postmaster)).toBe(true);

  owner.kill('SIGKILL');

  await vi.waitFor(
    () => {
      expect(running(postmaster)).toBe(false);
      expect(running(backendPid)).toBe(false);
      expect(existsSync(dirname(dataDir))).toBe(false);
    },
    { timeout: 10_000, interval: 100 },
  );
});
