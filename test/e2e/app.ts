import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningApp {
  /** The page to open, token included. */
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Ctrl-C, as a terminal sends it; resolves when the app has exited. */
  stop(): Promise<void>;
}

/**
 * The app as a user starts it: `npm start -- --no-open --data-dir DIR`, which is browser mode
 * with the demo where Electron's binary is missing (here, always). It inherits the
 * environment, so under `npm test` it finds the test keyring. Its own process group, so that
 * SIGINT reaches npm and the app as Ctrl-C would, and SIGKILL leaves nothing when it hangs.
 */
export async function startApp(opts: {
  dataDir: string;
  demo?: boolean;
  timeoutMs?: number;
}): Promise<RunningApp> {
  const args = ['start', '--', '--no-open', '--data-dir', opts.dataDir];
  if (opts.demo === false) args.push('--no-demo');
  const child = spawn('npm', args, {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => stopGroup(child, exited);
  try {
    const url = await waitForUrl(() => text, exited, opts.timeoutMs ?? 90_000);
    return { url, output: () => text, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- app output ---\n${text}`);
  }
}

async function waitForUrl(text: () => string, exited: Promise<void>, ms: number): Promise<string> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const match = /Tusk is running at (http:\/\/\S+)/.exec(text());
    if (match) return match[1]!;
    if (gone) throw new Error('the app exited before printing its URL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app printed no URL within ${ms} ms`);
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, 'SIGINT');
  } catch {
    return;
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 20_000);
  await exited;
  clearTimeout(killer);
}
