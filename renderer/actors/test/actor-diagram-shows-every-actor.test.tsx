import { act, fireEvent, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { resetTimeTravel, useOpenRequest, useTimeTravel } from '../../store/time-travel.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ActorDiagram } from '../ActorDiagram.tsx';
import { actorGraph } from '../graph.ts';

afterEach(resetTimeTravel);

const demo = () =>
  makeView({
    config: makeConfig({ name: 'Demo (embedded)' }),
    status: 'reconnecting',
    state: { reconnecting: 'waiting' },
    tunnel: { state: 'open' },
    sessions: [
      { sessionId: 's-1', transaction: 'in-transaction', busy: true, statePersists: true },
      { sessionId: 's-2', transaction: 'idle', busy: false, statePersists: true },
    ],
  });

test('the graph: the manager, each connection actor, its tunnel child and its sessions', () => {
  const a = demo();
  const b = makeView({ config: makeConfig({ name: 'plain' }) });
  const graph = actorGraph([a, b]);
  expect(graph.nodes.map((n) => [n.id, n.parent ?? null])).toEqual([
    ['manager', null],
    [`connection:${a.id}`, 'manager'],
    [`tunnel:${a.id}`, `connection:${a.id}`],
    ['session:s-1', `connection:${a.id}`],
    ['session:s-2', `connection:${a.id}`],
    [`connection:${b.id}`, 'manager'],
  ]);
  // Past the limit the diagram says how many it leaves to the table.
  const capped = actorGraph([a, b], 1);
  expect([capped.shown, capped.total]).toEqual([1, 2]);
});

test('the diagram draws every actor with its live state; a click opens the chart', async () => {
  const a = demo();
  const b = makeView({
    config: makeConfig({ name: 'plain' }),
    status: 'connected',
    state: { connected: 'pinging' },
  });
  const { services } = renderWithServices(<ActorDiagram />, { views: [a, b] });

  const node = (actor: string) =>
    document.querySelector<HTMLElement>(`[data-testid="actor-diagram"] [data-actor="${actor}"]`);
  await waitFor(() => expect(node(a.id)).not.toBeNull(), { timeout: 5_000 });
  expect(node('manager')?.textContent).toContain('2 connection actors');
  expect(node(a.id)?.getAttribute('data-state')).toBe('reconnecting.waiting');
  expect(node(a.id)?.textContent).toContain('Demo (embedded)');
  expect(node(b.id)?.getAttribute('data-state')).toBe('connected.pinging');
  expect(node(`tunnel:${a.id}`)?.textContent).toContain('open');
  expect(node('session:s-1')?.textContent).toContain('in-transaction, running');
  expect(node('session:s-2')?.textContent).toContain('idle');

  // A state change redraws the node.
  act(() =>
    services.views.apply({
      full: false,
      changed: [{ ...a, status: 'connected', state: { connected: 'idle' } }],
      removed: [],
    }),
  );
  await waitFor(() => expect(node(a.id)?.getAttribute('data-state')).toBe('connected.idle'));

  act(() =>
    fireEvent.click(screen.getByRole('button', { name: /^Demo \(embedded\): connected.idle/ })),
  );
  const { result } = renderHook(() => ({ open: useOpenRequest(), at: useTimeTravel(a.id).at }));
  expect(result.current.open?.connectionId).toBe(a.id);
  expect(result.current.at).toBeNull();
});
