import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');

export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Where the output ends now: pass it to `waitFor` to match only what comes later. */
  mark(): number;
  /** Resolves with the output once `pattern` matches it after `from`; rejects after `ms`. */
  waitFor(pattern: RegExp, opts?: { from?: number; ms?: number }): Promise<string>;
  /** Writes one command line to stdin. */
  send(line: string): void;
  /** Resolves with the exit code; rejects after `ms`, saying what the process printed. */
  exit(ms: number): Promise<number | null>;
}

/**
 * Runs `path` (from the repository's root, e.g. `main/cli/demo.ts`) with tsx, stdin and stdout piped (so the script reads commands as lines
 * and prints plain text). Whatever still runs after the test gets SIGTERM, then SIGKILL.
 */
export function runScript(
  path: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): ScriptProcess {
  const child = spawn(tsx, [path, ...args], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  });

  const tail = () => `\n--- output so far ---\n${text}`;
  return {
    child,
    output: () => text,
    mark: () => text.length,
    async waitFor(pattern, { from = 0, ms = 30_000 } = {}) {
      const deadline = Date.now() + ms;
      while (!pattern.test(text.slice(from))) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms${tail()}`);
        if (child.exitCode !== null) throw new Error(`exited before ${pattern}${tail()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return text;
    },
    send(line) {
      child.stdin?.write(`${line}\n`);
    },
    exit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`still running after ${ms} ms${tail()}`)), ms);
      });
      return Promise.race([exited, late]).finally(() => clearTimeout(timer));
    },
  };
}

/** Pids of processes whose command line mentions `text` (a data directory, say). */
export function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}
