import { createInterface } from 'node:readline';

export interface CommandInput {
  /** True when keys act at once (a terminal in raw mode); false for lines on a pipe. */
  readonly raw: boolean;
  /** Gives the terminal back (raw mode off) and stops reading, so the process can exit. */
  stop(): void;
}

/** Ctrl-C and Ctrl-D, which a terminal in raw mode delivers as keys instead of a signal. */
export const CTRL_C = '\u0003';
export const CTRL_D = '\u0004';

/**
 * Calls `onKey` with each key. On a terminal, stdin goes to raw mode: a key acts without Enter,
 * and Ctrl-C and Ctrl-D arrive as keys (CTRL_C, CTRL_D) rather than as a signal. On a pipe,
 * each non-blank line is a key, so `printf 't\nq\n' | npm run demo` scripts the demo; the end of
 * input quits (`onEnd`), since nobody can type any more.
 */
export function readCommands(onKey: (key: string) => void, onEnd: () => void): CommandInput {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    const onData = (chunk: string) => {
      for (const char of chunk) onKey(char);
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
    return {
      raw: true,
      stop() {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
      },
    };
  }
  const lines = createInterface({ input: stdin, terminal: false });
  let stopped = false;
  lines.on('line', (line) => {
    const key = line.trim();
    if (key) onKey(key);
  });
  lines.on('close', () => {
    if (!stopped) onEnd();
  });
  return {
    raw: false,
    stop() {
      stopped = true;
      lines.close();
      // A pipe whose writer stays open would keep the event loop alive.
      stdin.destroy();
    },
  };
}
