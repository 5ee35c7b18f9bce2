import type { WatchTimers } from '../timers.ts';

/**
 * A simulated clock for the watchers: `run(ms)` lets time pass with the timers firing, as a
 * process that is awake sees it; `sleep(ms)` moves the wall clock on with no timer firing and
 * none coming closer, as a suspend does (Node's timers run on CLOCK_MONOTONIC, which stops).
 */
export function simClock(start = 1_700_000_000_000) {
  let wall = start;
  const timers: { ms: number; next: number; tick: () => void }[] = [];
  let elapsed = 0;
  const clock: WatchTimers & { run(ms: number): void; sleep(ms: number): void; active(): number } =
    {
      now: () => wall,
      every(ms, tick) {
        const timer = { ms, next: elapsed + ms, tick };
        timers.push(timer);
        return () => {
          timers.splice(timers.indexOf(timer), 1);
        };
      },
      run(ms) {
        const end = elapsed + ms;
        for (;;) {
          const due = timers.filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
          if (!due) break;
          wall += due.next - elapsed;
          elapsed = due.next;
          due.next += due.ms;
          due.tick();
        }
        wall += end - elapsed;
        elapsed = end;
      },
      sleep(ms) {
        // Monotonic time stood still: no timer fires, and each is as far from firing as before.
        wall += ms;
      },
      active: () => timers.length,
    };
  return clock;
}
