import { act, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { Details } from '../../components/Details.tsx';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';

/**
 * A connect is several transitions within milliseconds. The chart's timeline shows each at once
 * (the view carries it), and asks the host for the durable history once the burst is over, not
 * once per transition: each answer was a round trip and another render of the chart between one
 * status change and the next.
 */
const steps: TransitionRecord[] = [
  { at: 1_000, from: 'disconnected.closed', to: 'connecting.credentials', event: 'CONNECT' },
  { at: 1_002, from: 'connecting.credentials', to: 'connecting.opening', event: 'xstate.done.a' },
  { at: 1_004, from: 'connecting.opening', to: 'connecting.session', event: 'xstate.done.b' },
  { at: 1_006, from: 'connecting.session', to: 'connecting.serverInfo', event: 'xstate.done.c' },
  { at: 1_008, from: 'connecting.serverInfo', to: 'connected.idle', event: 'xstate.done.d' },
];

test('a burst of transitions shows each mark at once and asks the host once after it', {
  timeout: 30_000,
}, async () => {
  const asked: unknown[] = [];
  const view = makeView({ transitions: [] });
  const { services } = renderWithServices(
    <Details id={view.id} onEdit={() => {}} onDeleted={() => {}} />,
    {
      views: [view],
      handlers: (t) =>
        t.handle('get_history', (args) => {
          asked.push(args);
          return 'since' in args ? steps.filter((s) => s.at >= args.since!) : [];
        }),
    },
  );
  const strip = await screen.findByRole(
    'listbox',
    { name: /Recorded transitions/ },
    { timeout: 20_000 },
  );
  await waitFor(() => expect(asked).toHaveLength(1));
  for (let i = 1; i <= steps.length; i++) {
    act(() =>
      services.views.apply({
        full: false,
        changed: [{ ...view, transitions: steps.slice(0, i) }],
        removed: [],
      }),
    );
    // Drawn from the view itself, before any answer from the host.
    expect(within(strip).getAllByRole('option')).toHaveLength(i);
  }
  await waitFor(() => expect(asked).toHaveLength(2));
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(asked).toEqual([{ connectionId: view.id }, { connectionId: view.id }]);
  // The answer adds no duplicate of what the view already showed.
  expect(within(strip).getAllByRole('option')).toHaveLength(steps.length);
});
