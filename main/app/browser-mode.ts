import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startWebHost } from '../web/index.ts';
import { sentence, startAppCore } from './app-core.ts';
import type { AppFlags } from './flags.ts';
import { RENDERER_DIR } from './paths.ts';

export { sentence };

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

/**
 * Browser mode as `npm run web` (and `npm start` without Electron) runs it: the app start
 * (app-core.ts) and the web host over it; prints the URL and opens it on a desktop.
 */
export async function startBrowserMode(flags: AppFlags, io: AppIo): Promise<RunningApp> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const core = await startAppCore(flags, { say, env: io.env });
  const host = await startWebHost({
    service: core.service,
    port: flags.port,
    staticDir: RENDERER_DIR,
    notices: core.notices,
    isDemo: core.isDemo,
    commands: core.commands,
  }).catch(async (error: NodeJS.ErrnoException) => {
    await core.stop();
    if (error.code === 'EADDRINUSE') {
      throw new Error(`Port ${flags.port} on 127.0.0.1 is in use; pick another with --port.`);
    }
    throw error;
  });

  io.stdout.write(`Tusk is running at ${host.url}\n`);
  say('tusk: Ctrl-C quits');
  if (flags.open && desktop(io.env)) openInBrowser(host.url);

  let stopping: Promise<void> | undefined;
  return {
    url: host.url,
    stop(reason) {
      stopping ??= (async () => {
        say(`tusk: quitting (${reason})`);
        await host.close().catch((error: unknown) => {
          say(`tusk: closing the web host failed: ${sentence(error)}`);
        });
        await core.stop();
      })();
      return stopping;
    },
  };
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
