import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConnectionService } from '../service.ts';
import { startWebHost } from './host.ts';

/**
 * `npm run web -- [--port N] [--data-dir DIR] [--no-demo] [--no-open]`: browser mode over the
 * service on the app's data directory. Prints the URL to open, with its token, as one line on
 * stdout; Ctrl-C or SIGTERM ends every pool and the process.
 */

/** The app's data directory, as the XDG base directory spec places it. */
export function defaultDataDir(env = process.env): string {
  const base = env.XDG_DATA_HOME?.startsWith('/')
    ? env.XDG_DATA_HOME
    : join(homedir(), '.local', 'share');
  return join(base, 'tusk');
}

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export function parseWebArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      'no-open': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0 for any free one), got ${values.port}`);
  }
  return {
    port,
    dataDir: values['data-dir'] ?? defaultDataDir(),
    demo: !values['no-demo'],
    open: !values['no-open'],
  };
}

async function main() {
  const args = parseWebArgs(process.argv.slice(2));
  const service = await createConnectionService({ dataDir: args.dataDir });
  const host = await startWebHost({ service, port: args.port, staticDir: RENDERER_DIR });
  process.stdout.write(`Tusk is at ${host.url}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await service.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`tusk: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
