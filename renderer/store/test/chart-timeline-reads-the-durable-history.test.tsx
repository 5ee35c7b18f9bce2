import { act, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { Details } from '../../components/Details.tsx';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';

const older: TransitionRecord[] = [
  { at: 100, from: 'disconnected.closed', to: 'connecting.credentials', event: 'CONNECT' },
  {
    at: 120,
    from: 'connecting',
    to: 'open',
    event: 'xstate.done.actor.t.tunnel.connecting',
    machine: 'tunnel',
  },
  { at: 150, from: 'connecting.serverInfo', to: 'connected.idle', event: 'xstate.done.actor.s' },
];
const later: TransitionRecord = {
  at: 5_150,
  from: 'connected.idle',
  to: 'connected.pinging',
  event: 'xstate.after.keepaliveInterval.connection.connected.idle',
};

test('the chart travels through get_history (the tunnel too), then asks only for what is new', {
  timeout: 30_000,
}, async () => {
  const asked: unknown[] = [];
  const view = makeView({
    state: { connected: 'idle' },
    status: 'connected',
    transitions: [older[2]!],
  });
  const { services } = renderWithServices(
    <Details id={view.id} onEdit={() => {}} onDeleted={() => {}} />,
    {
      views: [view],
      handlers: (t) =>
        t.handle('get_history', (args) => {
          asked.push(args);
          return 'since' in args ? [older[2]!, later] : older;
        }),
    },
  );
  // The chart's chunk (React Flow, ELK) loads lazily: seconds on a busy machine.
  const strip = await screen.findByRole(
    'listbox',
    { name: /Recorded transitions/ },
    { timeout: 20_000 },
  );
  await waitFor(() => expect(within(strip).getAllByRole('option')).toHaveLength(3));
  expect(within(strip).getAllByRole('option')[1]!.classList.contains('lane-tunnel')).toBe(true);

  act(() =>
    services.views.apply({
      full: false,
      changed: [{ ...view, state: { connected: 'pinging' }, transitions: [older[2]!, later] }],
      removed: [],
    }),
  );
  await waitFor(() => expect(within(strip).getAllByRole('option')).toHaveLength(4));
  // Asked once the transitions have settled; the new mark was drawn from the view meanwhile.
  await waitFor(() =>
    expect(asked).toEqual([{ connectionId: view.id }, { connectionId: view.id, since: 150 }]),
  );
  expect(within(strip).getAllByRole('option')).toHaveLength(4);
});
