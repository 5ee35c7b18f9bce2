/**
 * Output for the terminal demos: finished lines, and one "live" line that is rewritten in place
 * (the retry countdown) when stdout is a terminal. Lines printed meanwhile go above it, so it
 * stays at the bottom and keeps counting. Piped output gets plain text and no rewrites, so a
 * test or a log file reads one line per event.
 */
export interface Printer {
  readonly tty: boolean;
  readonly paint: Paint;
  /** Prints a finished line, above the live line if there is one. */
  line(text: string): void;
  /** Prints a line that `update` may rewrite until `settle`. */
  live(text: string): void;
  /** Rewrites the live line; does nothing when there is none or stdout is not a terminal. */
  update(text: string): void;
  /** Turns the live line, with its last words, into a finished line. */
  settle(text: string): void;
}

export type Paint = Record<'dim' | 'bold' | 'red' | 'green' | 'yellow' | 'cyan', Brush>;
type Brush = (text: string) => string;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const ansi = /\x1b\[[0-9;]*m/g;
const visible = (text: string) => text.replace(ansi, '');

export function createPrinter(stream: NodeJS.WriteStream = process.stdout): Printer {
  const tty = stream.isTTY === true;
  const color = tty && !process.env.NO_COLOR;
  const brush =
    (open: number, close: number): Brush =>
    (text) =>
      color ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  const paint: Paint = {
    dim: brush(2, 22),
    bold: brush(1, 22),
    red: brush(31, 39),
    green: brush(32, 39),
    yellow: brush(33, 39),
    cyan: brush(36, 39),
  };
  let liveText: string | null = null;
  // A closed terminal (SIGHUP) or a reader that went away must not crash the shutdown.
  stream.on('error', () => {});
  const write = (text: string) => {
    if (!stream.destroyed) stream.write(text);
  };
  // A rewritten line that wraps cannot be erased with \r: keep it within the terminal's width.
  const clip = (text: string) => {
    const width = (stream.columns ?? 80) - 1;
    const plain = visible(text);
    return plain.length <= width ? text : `${plain.slice(0, width - 1)}…`;
  };
  const erase = '\r\x1b[2K';

  const printer: Printer = {
    tty,
    paint,
    line(text) {
      if (liveText === null) return write(`${text}\n`);
      write(`${erase}${text}\n${clip(liveText)}`);
    },
    live(text) {
      if (liveText !== null) printer.settle(liveText);
      if (!tty) return write(`${text}\n`);
      liveText = text;
      write(clip(text));
    },
    update(text) {
      if (liveText === null) return;
      liveText = text;
      write(`${erase}${clip(text)}`);
    },
    settle(text) {
      if (liveText === null) return;
      liveText = null;
      write(`${erase}${clip(text)}\n`);
    },
  };
  return printer;
}
