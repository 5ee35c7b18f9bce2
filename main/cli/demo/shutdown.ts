import type { Printer } from './printer.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const REPEAT_MS = 500;

export interface Shutdown {
  readonly quitting: boolean;
  /**
   * Registers a cleanup step; steps run in reverse order of registration. A step registered
   * once the shutdown has begun runs as soon as the steps before it are done.
   */
  defer(name: string, step: () => Promise<void> | void): void;
  /** Begins the shutdown (once); resolves when every step has run. */
  quit(reason: string): Promise<void>;
  /** Ctrl-C: the first begins the shutdown, the second exits at once. */
  interrupt(what: string): void;
}

/**
 * Ends the demos cleanly on `q`, Ctrl-C, SIGTERM or SIGHUP: every step runs, the process then
 * exits by itself because nothing is left open. A safety timer (unref'd, so it never holds the
 * process up) catches the case where something does hang: it names the step, or the handles
 * still open, and exits non-zero. A second Ctrl-C exits at once.
 */
export function createShutdown(out: Printer, timeoutMs = 20_000): Shutdown {
  const steps: { name: string; step: () => Promise<void> | void }[] = [];
  let current = 'starting the shutdown';
  let done: Promise<void> | undefined;

  const run = async (name: string, step: () => Promise<void> | void) => {
    current = name;
    try {
      await step();
    } catch (error) {
      process.exitCode = 1;
      out.line(out.paint.red(`${name} failed: ${error instanceof Error ? error.message : error}`));
    }
  };

  // One Ctrl-C can arrive more than once (the terminal signals the whole process group, and
  // also closes a pipe into stdin), so only a later one means "now".
  let interruptedAt = 0;
  const interrupt = (what: string) => {
    const now = Date.now();
    if (interruptedAt && now - interruptedAt > REPEAT_MS) {
      out.line(out.paint.red(`${what} again: exiting now, while ${current}`));
      process.exit(130);
    }
    interruptedAt ||= now;
    void shutdown.quit(what);
  };
  for (const signal of SIGNALS) process.on(signal, interrupt);

  const shutdown: Shutdown = {
    interrupt,
    get quitting() {
      return done !== undefined;
    },
    defer(name, step) {
      if (!done) {
        steps.push({ name, step });
        return;
      }
      done = done.then(() => run(name, step));
    },
    quit(reason) {
      if (done) return done;
      out.line(out.paint.bold(`quitting (${reason}): closing the connection and cleaning up`));
      const safety = setTimeout(() => {
        const handles = process.getActiveResourcesInfo().filter((h) => h !== 'TTYWrap');
        out.line(
          out.paint.red(
            `shutdown hung for ${timeoutMs / 1000} s while ${current}` +
              (current === 'exiting' ? ` (still open: ${handles.join(', ')})` : ''),
          ),
        );
        process.exit(1);
      }, timeoutMs);
      safety.unref();
      done = (async () => {
        for (const { name, step } of steps.reverse()) await run(name, step);
        current = 'exiting';
      })();
      return done;
    },
  };
  return shutdown;
}
