import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCredentialStore } from '../credentials/index.ts';
import { createConnectionService } from '../service.ts';
import { type Notice, startWebHost } from '../web/index.ts';
import { type Demo, startDemo } from './demo.ts';
import { createDemoControls } from './demo-controls.ts';
import type { AppFlags } from './flags.ts';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export interface AppIo {
  /** The URL line, and nothing else: tools read it. */
  stdout: NodeJS.WritableStream;
  /** Everything a person may want to know: notices, what started, what stops. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface RunningApp {
  readonly url: string;
  /** Ends the web host, every pool, the demo server; resolves when nothing is left. */
  stop(reason: string): Promise<void>;
}

/** One sentence for a failure a user can act on; a bug of ours keeps its stack for the log. */
export const sentence = (error: unknown) =>
  error instanceof Error ? error.message.split('\n')[0]! : String(error);

/**
 * Browser mode as `npm run web` (and `npm start` without Electron) runs it: the credential
 * store (the OS keyring, or memory with a notice), the service on the data directory, the
 * demo (unless --no-demo), and the web host; prints the URL and opens it on a desktop.
 */
export async function startBrowserMode(flags: AppFlags, io: AppIo): Promise<RunningApp> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const notices: Notice[] = [];
  const notice = (level: Notice['level'], message: string) => {
    say(`tusk: ${message}`);
    notices.push({ level, message });
  };

  await mkdir(flags.dataDir, { recursive: true, mode: 0o700 });
  const credentials = await openCredentialStore();
  if (credentials.notice) notice('warning', credentials.notice);
  const service = await createConnectionService({
    dataDir: flags.dataDir,
    credentials: credentials.store,
  });
  const steps: { name: string; step: () => Promise<void> }[] = [
    { name: 'closing every connection', step: () => service.close() },
  ];
  const stopAll = async () => {
    for (const { name, step } of steps.splice(0).reverse()) {
      await step().catch((error: unknown) => say(`tusk: ${name} failed: ${sentence(error)}`));
    }
  };

  try {
    let demo: Demo | undefined;
    if (flags.demo) {
      say('tusk: starting the demo PostgreSQL (the first run makes its database: a few seconds)');
      try {
        demo = await startDemo({ dataDir: flags.dataDir, service });
        const running = demo;
        // Before the service's step, so it runs after it: pools end before their server.
        steps.unshift({ name: 'stopping the demo PostgreSQL', step: () => running.close() });
        say(
          `tusk: demo PostgreSQL ${demo.server.version} running, its data in ` +
            `${demo.server.clusterDir}; its connection is "Demo (embedded)"`,
        );
      } catch (error) {
        notice('warning', `The demo database did not start, so there is none: ${sentence(error)}`);
      }
    }
    const controls = createDemoControls({ demo, service });
    steps.push({ name: 'ending the demo faults', step: () => controls.close() });
    const host = await startWebHost({
      service,
      port: flags.port,
      staticDir: RENDERER_DIR,
      notices,
      isDemo: controls.isDemo,
      demo: controls,
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new Error(`Port ${flags.port} on 127.0.0.1 is in use; pick another with --port.`);
      }
      throw error;
    });
    steps.push({ name: 'closing the web host', step: () => host.close() });

    io.stdout.write(`Tusk is running at ${host.url}\n`);
    say('tusk: Ctrl-C quits');
    if (flags.open && desktop(io.env)) openInBrowser(host.url);

    let stopping: Promise<void> | undefined;
    return {
      url: host.url,
      stop(reason) {
        stopping ??= (async () => {
          say(`tusk: quitting (${reason})`);
          await stopAll();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A desktop to open a browser on: a display, and xdg-open to ask it. */
function desktop(env: NodeJS.ProcessEnv): boolean {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'xdg-open'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function openInBrowser(url: string) {
  const opener = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  opener.on('error', () => {});
  opener.unref();
}
