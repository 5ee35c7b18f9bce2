import { expect, it } from 'vitest';
import { DRIFT_INTERVAL_MS, DRIFT_MARGIN_MS, watchDrift } from '../drift.ts';
import { simClock } from './sim-clock.ts';

it('calls back once per gap longer than interval + margin, with its length', () => {
  const clock = simClock();
  const gaps: number[] = [];
  const stop = watchDrift((gap) => gaps.push(gap), { timers: clock });

  // An hour awake: ticks on time, nothing to say.
  clock.run(3_600_000);
  expect(gaps).toEqual([]);

  // Fifteen seconds asleep: the wall clock moved on while the timers stood still; the next
  // tick, on time by the monotonic clock, sees the gap.
  clock.run(400);
  clock.sleep(15_000);
  expect(gaps).toEqual([]);
  clock.run(600);
  expect(gaps).toEqual([DRIFT_INTERVAL_MS + 15_000]);

  // And awake again: no more alarms.
  clock.run(60_000);
  expect(gaps).toHaveLength(1);
  stop();
  expect(clock.active()).toBe(0);
});

it('a tick late by no more than the margin (a busy event loop) is not a gap; just past it is', () => {
  const clock = simClock();
  const gaps: number[] = [];
  watchDrift((gap) => gaps.push(gap), { timers: clock });
  clock.sleep(DRIFT_MARGIN_MS);
  clock.run(DRIFT_INTERVAL_MS);
  expect(gaps).toEqual([]);
  clock.sleep(DRIFT_MARGIN_MS + 1);
  clock.run(DRIFT_INTERVAL_MS);
  expect(gaps).toEqual([DRIFT_INTERVAL_MS + DRIFT_MARGIN_MS + 1]);
});

it('takes its interval and margin from the options', () => {
  const clock = simClock();
  const gaps: number[] = [];
  watchDrift((gap) => gaps.push(gap), { timers: clock, intervalMs: 100, marginMs: 50 });
  clock.sleep(50);
  clock.run(100);
  clock.sleep(51);
  clock.run(100);
  expect(gaps).toEqual([151]);
});
