import { render, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { Timeline } from '../Timeline.tsx';
import { HISTORY } from './fixtures.ts';

test('one mark per recorded transition, coloured by the status it led to, errors marked', () => {
  render(<Timeline records={HISTORY} selected={null} onPick={() => {}} />);
  const marks = within(screen.getByRole('listbox')).getAllByRole('option');
  expect(marks).toHaveLength(HISTORY.length);
  const status = (el: HTMLElement) => [...el.classList].find((c) => c.startsWith('status-'));
  expect(marks.map(status)).toEqual([
    'status-connecting',
    'status-connecting',
    'status-connecting',
    'status-connected',
    'status-connected',
    'status-reconnecting',
    'status-reconnecting',
  ]);
  const failed = marks.filter((m) => m.classList.contains('failed'));
  expect(failed.map((m) => m.dataset.index)).toEqual(['5', '6']);
  expect(failed.every((m) => m.textContent === '!')).toBe(true);
  expect(marks[6]!.getAttribute('aria-label')).toContain('ConnectionFailed · SQLSTATE 57P03');
  expect(screen.getByRole('button', { name: 'Live' }).getAttribute('aria-pressed')).toBe('true');
});

test('a tunnel transition goes in a lane of its own', () => {
  const tunnel: TransitionRecord = {
    at: 900,
    from: 'connecting',
    to: 'open',
    event: 'xstate.done.actor.0.tunnel.connecting',
    machine: 'tunnel' as const,
  };
  render(<Timeline records={[tunnel, ...HISTORY]} selected={null} onPick={() => {}} />);
  const marks = within(screen.getByRole('listbox')).getAllByRole('option');
  expect(marks[0]!.classList.contains('lane-tunnel')).toBe(true);
  expect(marks[0]!.classList.contains('status-connected')).toBe(true);
  expect(marks.slice(1).every((m) => m.classList.contains('lane-connection'))).toBe(true);
});
