import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** What `npm start` and `npm run web` take (DESIGN.md, "Browser mode"). */
export interface AppFlags {
  /** 0 or absent: a free port. */
  port: number;
  dataDir: string;
  demo: boolean;
  open: boolean;
  help: boolean;
}

export const USAGE = `usage: npm start -- [--port N] [--data-dir DIR] [--no-demo] [--no-open]
       npm run web -- (the same flags: browser mode, without trying Electron)
  --port N        the port on 127.0.0.1 to serve the app on (0 or none: a free one)
  --data-dir DIR  where saved connections and the demo database live
                  (default: $XDG_DATA_HOME/tusk, or ~/.local/share/tusk)
  --no-demo       do not start the embedded demo PostgreSQL
  --no-open       print the URL, do not open a browser`;

/** A bad command line: its message names the flag and what was wrong, for one line of output. */
export class FlagError extends Error {
  override name = 'FlagError';
}

/** `$XDG_DATA_HOME/tusk`, or `~/.local/share/tusk` (XDG's default) when it is unset or relative. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'tusk');
}

export function parseFlags(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): AppFlags {
  const flags: AppFlags = { port: 0, dataDir: '', demo: true, open: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new FlagError(`${name} needs a value`);
      i++;
      return next;
    };
    const bare = () => {
      if (inline !== undefined) throw new FlagError(`${name} takes no value (got "${inline}")`);
    };
    switch (name) {
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) {
          throw new FlagError(`--port must be a whole number from 0 to 65535 (got "${text}")`);
        }
        flags.port = port;
        break;
      }
      case '--data-dir': {
        const dir = value();
        if (dir.trim() === '') throw new FlagError('--data-dir must not be empty');
        flags.dataDir = resolve(dir);
        break;
      }
      case '--no-demo':
        bare();
        flags.demo = false;
        break;
      case '--no-open':
        bare();
        flags.open = false;
        break;
      case '-h':
      case '--help':
        flags.help = true;
        break;
      default:
        throw new FlagError(
          arg.startsWith('-') ? `unknown flag ${name}` : `unexpected argument "${arg}"`,
        );
    }
  }
  flags.dataDir ||= defaultDataDir(env);
  return flags;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}
