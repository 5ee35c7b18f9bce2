/**
 * Output for the terminal demos: finished lines, and one "live" line that is rewritten in place
 * (the retry countdown) when stdout is a terminal. Piped output gets plain text and no rewrites,
 * so a test or a log file reads one line per event.
 */
export interface Printer {
  readonly tty: boolean;
  readonly paint: Paint;
  /** Prints a finished line (closing the live line first, if one is open). */
  line(text: string): void;
  /** Prints a line that `update` may rewrite until the next `line` or `live`. */
  live(text: string): void;
  /** Rewrites the live line; does nothing when there is none or stdout is not a terminal. */
  update(text: string): void;
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
  let liveOpen = false;
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
  const closeLive = () => {
    if (liveOpen) write('\n');
    liveOpen = false;
  };

  return {
    tty,
    paint,
    line(text) {
      closeLive();
      write(`${text}\n`);
    },
    live(text) {
      closeLive();
      if (!tty) return write(`${text}\n`);
      write(clip(text));
      liveOpen = true;
    },
    update(text) {
      if (tty && liveOpen) write(`\r\x1b[2K${clip(text)}`);
    },
  };
}
