import { expect, it } from 'vitest';
import { Ring } from '../ring.ts';

it('keeps items oldest first until full', () => {
  const ring = new Ring<number>(3);
  expect(ring.toArray()).toEqual([]);
  ring.push(1);
  ring.push(2);
  expect(ring.toArray()).toEqual([1, 2]);
  expect(ring.size).toBe(2);
});

it('past its capacity drops the oldest, keeping the last `capacity` in order', () => {
  const ring = new Ring<number>(200);
  for (let i = 0; i < 1_000; i++) ring.push(i);
  const items = ring.toArray();
  expect(items).toHaveLength(200);
  expect(items[0]).toBe(800);
  expect(items.at(-1)).toBe(999);
  expect(items).toEqual(Array.from({ length: 200 }, (_, i) => 800 + i));
});

it('hands out a copy: changing it changes nothing inside', () => {
  const ring = new Ring<number>(2);
  ring.push(1);
  ring.toArray().push(7);
  expect(ring.toArray()).toEqual([1]);
});

it('refuses a capacity that is not a positive integer', () => {
  expect(() => new Ring(0)).toThrow(RangeError);
  expect(() => new Ring(1.5)).toThrow(RangeError);
});
