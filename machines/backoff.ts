export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /**
   * 'full': a uniform draw in [0, ceiling]. The ceiling doubles each attempt and is capped.
   * 'none': the ceiling itself, for predictable tests and diagrams.
   */
  jitter: 'full' | 'none';
  /** A uniform draw in [0, 1); Math.random unless a test pins it. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (1-based; the first attempt after a loss goes at
 * once and never asks). Full jitter rather than decorrelated: when a server restarts, every
 * Tusk window pointed at it reconnects; full jitter spreads those attempts the most evenly for
 * the least total wait (see AWS's "Exponential Backoff and Jitter"), and each draw depends only
 * on the attempt number, so the bounds are easy to state and test.
 */
export function backoff(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoff attempt must be a positive integer, got ${attempt}`);
  }
  const ceiling = backoffCeiling(attempt, options);
  if (options.jitter === 'none') return ceiling;
  const draw = (options.random ?? Math.random)();
  // A broken random source must not turn into a zero or NaN delay: fall back to the ceiling.
  const fraction = Number.isFinite(draw) ? Math.min(Math.max(draw, 0), 1) : 1;
  return Math.floor(fraction * ceiling);
}

/** The largest delay `backoff` can return for this attempt: initialMs doubling, capped at maxMs. */
export function backoffCeiling(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  // 2 ** 1024 is Infinity; clamp the exponent long before that.
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 60));
}
