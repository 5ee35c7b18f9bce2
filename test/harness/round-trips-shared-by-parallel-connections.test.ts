import { expect, test } from 'vitest';
import { RoundTripCounter } from './round-trips.ts';

// Times are given, not read from the clock: the counter's rule, on a 10 ms one-way link.
const DELAY = 10;

test('one connection: each answer delivered before the next message is one more round trip', () => {
  const c = new RoundTripCounter(DELAY);
  c.up(1, ['A'], 0);
  c.down(1, ['a'], 10);
  c.up(1, ['B'], 20);
  c.down(1, ['b'], 30);
  // Sent before "b" reached the client: pipelined into the same round trip.
  c.up(1, ['C'], 35);
  c.down(1, ['c'], 45);
  c.up(1, ['D'], 50);
  c.down(1, ['d'], 60);
  expect(c.count).toBe(3);
  expect(c.trips().map((t) => t.up[0]?.messages)).toEqual([['A'], ['B', 'C'], ['D']]);
});

test('two connections in step share their round trips, however their messages interleave', () => {
  const c = new RoundTripCounter(DELAY);
  c.up(1, ['A1'], 0);
  c.up(2, ['A2'], 8);
  c.down(1, ['a1'], 10);
  // Connection 1's answer is seen before connection 2's message, but not yet delivered.
  c.up(2, ['late'], 12);
  c.down(2, ['a2'], 18);
  c.up(1, ['B1'], 20);
  c.up(2, ['B2'], 28);
  c.down(1, ['b1'], 30);
  c.down(2, ['b2'], 38);
  expect(c.count).toBe(2);
  expect(c.trips()[0]!.up.map((f) => f.messages)).toEqual([['A1'], ['A2', 'late']]);
});

test('a connection opened after another was answered starts after it, and unasked answers count nothing', () => {
  const c = new RoundTripCounter(DELAY);
  c.down(1, ['notice'], 0);
  c.up(1, ['A'], 5);
  c.down(1, ['a'], 15);
  c.up(2, ['X'], 25);
  c.down(2, ['x'], 35);
  expect(c.count).toBe(2);
  const trips = c.trips();
  expect(trips[0]).toEqual({ up: [], down: [{ connection: 1, messages: ['notice'] }] });
  expect(trips[2]!.up).toEqual([{ connection: 2, messages: ['X'] }]);
});
