import type { WatchedConnection } from './connection.ts';
import { noteLine } from './monitor.ts';
import type { Printer } from './printer.ts';
import type { Shutdown } from './shutdown.ts';

export interface Command {
  key: string;
  /** What the legend says, e.g. `terminate backends`. */
  label: string;
  /** Does it; a returned text is printed as its outcome. */
  run(): Promise<string | undefined> | string | undefined;
}

/** The commands both demos have: disconnect, connect, wake, quit. */
export function connectionCommands(conn: WatchedConnection, shutdown: Shutdown): Command[] {
  return [
    { key: 'd', label: 'disconnect', run: () => conn.disconnect().then(() => undefined) },
    { key: 'c', label: 'connect', run: () => conn.connect().then(() => undefined) },
    {
      key: 'w',
      label: 'wake',
      run: () => {
        conn.wake();
        return 'WAKE sent: ping now, or retry now if reconnecting';
      },
    },
    { key: 'q', label: 'quit', run: () => shutdown.quit('q').then(() => undefined) },
  ];
}

export function legend(commands: Command[], raw: boolean): string {
  const keys = commands.map((c) => `${c.key} ${c.label}`).join(' · ');
  return raw ? `keys: ${keys}` : `commands (one letter per line on stdin): ${keys}`;
}

/** Runs the command for each key; commands run concurrently, and a failure is printed. */
export function dispatcher(commands: Command[], out: Printer, shutdown: Shutdown) {
  const byKey = new Map(commands.map((c) => [c.key, c]));
  return (key: string) => {
    if (shutdown.quitting) return;
    const command = byKey.get(key.toLowerCase());
    if (!command) {
      if (key === '?' || key === 'h') noteLine(out, legend(commands, true));
      else if (key.trim()) noteLine(out, `no command ${JSON.stringify(key)}; ? lists them`);
      return;
    }
    noteLine(out, out.paint.cyan(`${command.key} ${command.label}`));
    Promise.resolve()
      .then(() => command.run())
      .then(
        (outcome) => outcome && noteLine(out, `${command.key} ${outcome}`),
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          noteLine(out, out.paint.red(`${command.key} failed: ${message}`));
        },
      );
  };
}
