import { type Command, dispatcher } from './commands.ts';
import { CTRL_C, CTRL_D, readCommands } from './input.ts';
import { noteLine } from './monitor.ts';
import { createPrinter, type Printer } from './printer.ts';
import { createShutdown, type Shutdown } from './shutdown.ts';

export interface App {
  readonly out: Printer;
  readonly shutdown: Shutdown;
  /** Keys act at once (a terminal); otherwise commands are lines on stdin. */
  readonly raw: boolean;
  /** From now on, keys run these commands; until then only q and Ctrl-C do anything. */
  use(commands: Command[]): void;
  /** Runs the program; a failure is printed, sets exit code 1 and shuts down. */
  run(main: () => Promise<void>): void;
}

/**
 * What both demos share: output, a clean shutdown, and keys read from the start, so that Ctrl-C
 * during a slow start (initdb, a far server) quits, and keys typed early are not echoed.
 */
export function startApp(): App {
  const out = createPrinter();
  const shutdown = createShutdown(out);
  let onKey = (key: string) => {
    if (key === 'q') void shutdown.quit('q');
    else if (key.trim()) noteLine(out, 'still starting: only q and Ctrl-C work yet');
  };
  const input = readCommands(
    (key) => {
      if (key === CTRL_C) shutdown.interrupt('Ctrl-C');
      else if (key === CTRL_D) void shutdown.quit('Ctrl-D');
      else onKey(key);
    },
    () => void shutdown.quit('end of input'),
  );
  // Registered first, so it runs last: the terminal stays raw while the rest shuts down.
  shutdown.defer('giving the terminal back', () => input.stop());

  return {
    out,
    shutdown,
    raw: input.raw,
    use(commands) {
      onKey = dispatcher(commands, out, shutdown);
    },
    run(main) {
      main().catch((error: unknown) => {
        out.line(out.paint.red(`failed: ${error instanceof Error ? error.message : error}`));
        process.exitCode = 1;
        void shutdown.quit('a failure');
      });
    },
  };
}
