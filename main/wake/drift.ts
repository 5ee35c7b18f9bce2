import { realTimers, type WatchTimers } from './timers.ts';

export interface DriftOptions {
  /** How often the wall clock is read. */
  intervalMs?: number;
  /** How much later than expected a tick may come before it counts as a gap. */
  marginMs?: number;
  timers?: WatchTimers;
}

export const DRIFT_INTERVAL_MS = 1_000;
export const DRIFT_MARGIN_MS = 2_000;

/**
 * Calls `onGap` with the gap's length when the wall clock moved on much further between two ticks
 * than the interval: the machine slept, or this process was frozen (SIGSTOP, a debugger). Node's
 * timers run on CLOCK_MONOTONIC, which stops while the machine sleeps, so after a resume no timer
 * is overdue and nothing else would notice; `Date.now()` (CLOCK_REALTIME) went on. A wall clock
 * set forward by more than the margin reads the same; a false alarm costs one keepalive ping.
 * The margin is large so that a busy event loop (a tick a second late) is not a sleep.
 */
export function watchDrift(onGap: (gapMs: number) => void, options: DriftOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? DRIFT_INTERVAL_MS;
  const marginMs = options.marginMs ?? DRIFT_MARGIN_MS;
  const timers = options.timers ?? realTimers;
  let last = timers.now();
  return timers.every(intervalMs, () => {
    const now = timers.now();
    const gap = now - last;
    last = now;
    if (gap > intervalMs + marginMs) onGap(gap);
  });
}
