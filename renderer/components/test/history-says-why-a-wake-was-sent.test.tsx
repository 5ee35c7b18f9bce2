import { render, screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { Transitions } from '../Transitions.tsx';

test('a WAKE in the history says its cause; other transitions say none', () => {
  const transitions: TransitionRecord[] = [
    { at: 1, from: 'connected.idle', to: 'connected.pinging', event: 'WAKE', cause: 'resume' },
    { at: 2, from: 'connected.pinging', to: 'connected.idle', event: 'xstate.done.actor.0.ping' },
    { at: 3, from: 'connected.idle', to: 'connected.pinging', event: 'WAKE', cause: 'network' },
  ];
  render(<Transitions transitions={transitions} />);
  const events = screen
    .getAllByRole('listitem')
    .map((li) => li.querySelector('.transition-event')?.textContent);
  expect(events).toEqual(['WAKE · network changed', 'done: ping', 'WAKE · after sleep']);
});
