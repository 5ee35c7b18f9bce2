import type { StateValue } from 'xstate';
import type { ConnectionStatus } from '../../../machines/config.ts';
import type { ConnectionContext } from '../../../machines/connection.types.ts';
import type { TuskErrorData } from '../../../machines/errors.ts';
import type { ConnectionActorRef } from '../../../machines/manager.machine.ts';
import { statusOfPath } from '../../../machines/views.ts';
import type { Paint, Printer } from './printer.ts';

const COUNTDOWN_MS = 100;
const PATH_WIDTH = 'reconnecting.attempting.credentials'.length;

/** `{ reconnecting: 'waiting' }` → `reconnecting.waiting`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child ? `${key}.${statePath(child as StateValue)}` : key))
    .join(' ');
}

/** Local wall-clock time, HH:MM:SS.mmm. */
export function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${ms}`;
}

/** A line about something the user did, in the same columns as the state lines. */
export function noteLine(out: Printer, text: string): void {
  out.line(`${out.paint.dim(clock(Date.now()))}  ${'»'.padStart(9)}  ${text}`);
}

export function errorText(error: TuskErrorData): string {
  return `${error.kind}${error.code ? ` ${error.code}` : ''}: ${error.message}`;
}

const sameError = (a: TuskErrorData | null, b: TuskErrorData | null) =>
  a === b || (a !== null && b !== null && errorText(a) === errorText(b));

function statusColor(paint: Paint, status: ConnectionStatus) {
  if (status === 'connected') return paint.green;
  if (status === 'error') return paint.red;
  if (status === 'disconnected') return paint.dim;
  return paint.yellow;
}

/** `PostgreSQL 18.4`, not the compiler and platform that version() goes on about. */
const shortVersion = (version: string) => /^\S+ \S+/.exec(version)?.[0] ?? version;

function details(path: string, previous: string, context: ConnectionContext): string[] {
  const parts: string[] = [];
  const { attempt, config, keepalive, pool, server } = context;
  if (path === 'connected.idle' && previous === 'connected.pinging') {
    if (keepalive.lastLatencyMs !== null)
      parts.push(`ping ${keepalive.lastLatencyMs.toFixed(1)} ms`);
    if (pool) parts.push(`pool ${pool.total - pool.idle} busy / ${pool.idle} idle`);
    if (pool?.waiting) parts.push(`${pool.waiting} waiting`);
  } else if (path.startsWith('connected') && !previous.startsWith('connected') && server) {
    parts.push(shortVersion(server.version), `backend pid ${server.backendPid}`);
    parts.push(`${server.currentUser}@${server.currentDatabase}`);
  }
  if ((path.startsWith('reconnecting') || path.startsWith('error')) && attempt > 0) {
    parts.push(`attempt ${attempt}/${config.options.maxReconnectAttempts}`);
  }
  return parts;
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

const countdown = (nextRetryAt: number) => {
  const left = Math.max(0, nextRetryAt - Date.now());
  return left === 0 ? 'next try now' : `next try in ${(left / 1000).toFixed(1)} s`;
};

/**
 * Prints one line per state change of a connection actor: the time, the time since the
 * previous state line, the full state path, and what that state is about (server, ping and
 * pool, attempt n/max, the retry countdown), plus each new lastError on a line of its own.
 */
export function monitorConnection(ref: ConnectionActorRef, out: Printer): { stop(): void } {
  let previousPath = '';
  let previousAt = 0;
  let printedError: TuskErrorData | null = null;
  let ticker: NodeJS.Timeout | undefined;
  /** The countdown line while waiting, given its last words; null when none is live. */
  let countdownLine: ((extra: string[]) => string) | null = null;

  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
  };

  const onSnapshot = (snapshot: ReturnType<ConnectionActorRef['getSnapshot']>) => {
    const path = statePath(snapshot.value);
    const { context } = snapshot;
    if (path !== previousPath) {
      const now = Date.now();
      const delta = previousAt ? `+${now - previousAt} ms` : '';
      const status = statusOfPath(path);
      const parts = details(path, previousPath, context);
      const head = [
        out.paint.dim(clock(now)),
        delta.padStart(9),
        statusColor(out.paint, status)(path.padEnd(PATH_WIDTH)),
      ].join('  ');
      const text = (extra: string[]) => `${head}  ${[...parts, ...extra].join(', ')}`.trimEnd();
      stopTicker();
      // The countdown is over: the line keeps the backoff that was drawn, not "0.0 s".
      if (countdownLine) out.settle(countdownLine([]));
      countdownLine = null;
      const { nextRetryAt: retryAt, retryDelayMs } = context;
      if (path === 'reconnecting.waiting' && retryAt !== null) {
        const line = (extra: string[]) =>
          text([`backoff ${duration(retryDelayMs ?? 0)}`, ...extra]);
        // A log cannot be rewritten: it gets the time of the next try instead of a countdown.
        out.live(line([out.tty ? countdown(retryAt) : `next try at ${clock(retryAt)}`]));
        if (out.tty) {
          countdownLine = line;
          ticker = setInterval(() => out.update(line([countdown(retryAt)])), COUNTDOWN_MS);
          ticker.unref();
        }
      } else {
        out.line(text([]));
      }
      previousPath = path;
      previousAt = now;
    }
    if (!sameError(context.lastError, printedError)) {
      printedError = context.lastError;
      if (printedError) out.line(out.paint.red(`${' '.repeat(25)}${errorText(printedError)}`));
    }
  };

  const subscription = ref.subscribe({
    next: onSnapshot,
    error: (error) => out.line(out.paint.red(`the connection actor failed: ${String(error)}`)),
    complete: stopTicker,
  });
  onSnapshot(ref.getSnapshot());
  return {
    stop() {
      stopTicker();
      if (countdownLine) out.settle(countdownLine([]));
      countdownLine = null;
      subscription.unsubscribe();
    },
  };
}
