import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sentence, startBrowserMode } from './browser-mode.ts';
import { electronBinary } from './electron-binary.ts';
import { FlagError, parseFlags, USAGE } from './flags.ts';
import { RENDERER_DIR } from './paths.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SHUTDOWN_LIMIT_MS = 20_000;

export const NO_ELECTRON =
  'Electron is not available here (its binary is not installed); starting browser mode instead.';

/**
 * `npm start` (`mode: 'app'`): the desktop app where Electron's binary is installed, otherwise
 * one line saying so and browser mode. `npm run web` (`mode: 'web'`): browser mode. Both take
 * the flags of flags.ts; a bad flag is one line and exit code 2, a failure one line and 1.
 */
export async function launch(mode: 'app' | 'web', argv: string[]): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`tusk: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (mode === 'app') {
    const electron = electronBinary();
    if (electron) return runElectron(electron, argv);
    process.stderr.write(`${NO_ELECTRON}\n`);
  }
  buildRendererIfMissing();

  let quitting: string | undefined;
  const early = (signal: string) => {
    quitting ??= signal;
  };
  for (const signal of SIGNALS) process.on(signal, early);
  try {
    const app = await startBrowserMode(flags, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    });
    const stop = (reason: string) => {
      // Something that hangs must not keep a quitting app alive; unref'd, so it never waits.
      setTimeout(() => {
        process.stderr.write(`tusk: shutdown took over ${SHUTDOWN_LIMIT_MS / 1000} s; exiting\n`);
        process.exit(1);
      }, SHUTDOWN_LIMIT_MS).unref();
      for (const signal of SIGNALS) process.off(signal, early);
      // A second Ctrl-C while quitting is ignored: the first is already ending everything.
      for (const signal of SIGNALS) process.on(signal, () => {});
      void app.stop(reason);
    };
    for (const signal of SIGNALS) process.off(signal, early);
    if (quitting) return stop(quitting);
    for (const signal of SIGNALS) process.once(signal, () => stop(signal));
  } catch (error) {
    for (const signal of SIGNALS) process.off(signal, early);
    // One sentence; the stack only on request (TUSK_DEBUG=1), since a person reads this.
    process.stderr.write(`tusk: ${sentence(error)}\n`);
    if (process.env.TUSK_DEBUG === '1' && error instanceof Error) console.error(error);
    process.exitCode = 1;
  }
}

/** A fresh clone has no built renderer: build it once, its output on stderr (stdout is the URL's). */
function buildRendererIfMissing() {
  if (existsSync(`${RENDERER_DIR}/index.html`)) return;
  const scripts = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).scripts ?? {};
  if (!scripts.build) return;
  process.stderr.write('tusk: building the user interface once (npm run build)…\n');
  const built = spawnSync('npm', ['run', '-s', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (built.status !== 0) {
    process.stderr.write('tusk: the build failed; the page will say the interface is missing\n');
  }
}

function runElectron(binary: string, argv: string[]) {
  const main = fileURLToPath(new URL('../electron/main.ts', import.meta.url));
  // The main process is TypeScript: tsx's loader, as for every other host here.
  const child = spawn(binary, [main, ...argv], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
  });
  for (const signal of SIGNALS) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
