import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/**
 * `main/cli/web.ts` as its own process on a fresh data directory: what `npm run web` runs.
 * Resolves with the URL it printed; the process is stopped (SIGINT) after the test.
 */
export async function startWebProcess(args: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'tusk-web-'));
  const dataDir = join(dir, 'data');
  const child: ChildProcess = spawn(
    tsx,
    ['main/cli/web.ts', '--data-dir', dataDir, '--no-demo', '--no-open', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 20_000;
  const printed = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)\n/;
  for (;;) {
    const match = output.match(printed);
    if (match) return { ...urlParts(match), child, dataDir, output: () => output, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the web host printed no URL:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const urlParts = (match: RegExpMatchArray) => ({
  url: match[0].trim(),
  port: Number(match[1]),
  token: match[2]!,
});
