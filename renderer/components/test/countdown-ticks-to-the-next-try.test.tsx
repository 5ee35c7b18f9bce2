import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Countdown } from '../Countdown.tsx';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-01T22:00:00Z'));
});
afterEach(() => vi.useRealTimers());

test('the countdown to the next reconnect attempt ticks down and says when it is due', () => {
  render(<Countdown at={Date.now() + 3_000} />);
  expect(screen.getByRole('timer').textContent).toBe('next try in 3.0 s');
  act(() => vi.advanceTimersByTime(1_200));
  expect(screen.getByRole('timer').textContent).toBe('next try in 1.8 s');
  act(() => vi.advanceTimersByTime(1_800));
  expect(screen.getByRole('timer').textContent).toBe('trying now');
});

test('a long backoff counts in whole seconds, and a new retry time restarts it', () => {
  const { rerender } = render(<Countdown at={Date.now() + 42_000} />);
  expect(screen.getByRole('timer').textContent).toBe('next try in 42 s');
  rerender(<Countdown at={Date.now() + 500} />);
  expect(screen.getByRole('timer').textContent).toBe('next try in 0.5 s');
});
