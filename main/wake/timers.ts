/** The timer functions a watcher uses: the real ones, or a test's simulated clock. */
export interface WatchTimers {
  now(): number;
  every(ms: number, tick: () => void): () => void;
}

export const realTimers: WatchTimers = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    // A watcher never keeps the process alive on its own.
    timer.unref();
    return () => clearInterval(timer);
  },
};
