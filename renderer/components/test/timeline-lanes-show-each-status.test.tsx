import { act, fireEvent, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { laneSpans } from '../../lib/timeline.ts';
import { resetTimeTravel, useTimeTravel } from '../../store/time-travel.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionsTimeline } from '../ConnectionsTimeline.tsx';

afterEach(resetTimeTravel);

const MIN = 60_000;

/** A recorded history: connected, a terminate (reconnecting, back), a blackhole (error). */
function history(now: number): TransitionRecord[] {
  const t = (minutesAgo: number) => now - minutesAgo * MIN;
  return [
    { at: t(50), from: 'disconnected.closed', to: 'connecting.opening', event: 'CONNECT' },
    { at: t(49), from: 'connecting.settingUp', to: 'connected.idle', event: 'xstate.done.actor.0' },
    { at: t(40), from: 'connected.idle', to: 'connected.pinging', event: 'WAKE' },
    { at: t(40), from: 'connected.pinging', to: 'connected.idle', event: 'xstate.done.actor.1' },
    {
      at: t(30),
      from: 'connected.idle',
      to: 'reconnecting.waiting',
      event: 'CONNECTION_LOST',
      error: { kind: 'ConnectionLost', code: '57P01' },
    },
    { at: t(29), from: 'reconnecting.attempt', to: 'connected.idle', event: 'xstate.done.actor.2' },
    // The tunnel's own records do not change the connection's status.
    { at: t(20), from: 'open.idle', to: 'lost', event: 'TUNNEL_DROPPED', machine: 'tunnel' },
    {
      at: t(10),
      from: 'connected.pinging',
      to: 'error',
      event: 'xstate.after.pingDeadline',
      error: { kind: 'ConnectionTimeout' },
    },
  ];
}

test('laneSpans: one span per status held, pings inside connected, tunnel records left out', () => {
  const now = Date.now();
  const spans = laneSpans(history(now), now - 60 * MIN, now, 'error');
  expect(spans.map((s) => [s.status, Math.round((now - s.start) / MIN)])).toEqual([
    ['disconnected', 60],
    ['connecting', 50],
    ['connected', 49],
    ['reconnecting', 30],
    ['connected', 29],
    ['error', 10],
  ]);
  expect(spans.at(-1)?.end).toBe(now);
  expect(spans[3]!.record?.error).toEqual({ kind: 'ConnectionLost', code: '57P01' });
});

test('each connection gets a lane from its recorded history; a click opens its chart then', async () => {
  const now = Date.now();
  const demo = makeView({
    config: makeConfig({ name: 'Demo (embedded)' }),
    status: 'error',
    state: 'error',
  });
  const quiet = makeView({
    config: makeConfig({ name: 'quiet' }),
    status: 'connected',
    state: { connected: 'idle' },
  });
  const { transport } = renderWithServices(<ConnectionsTimeline />, {
    views: [demo, quiet],
    handlers: (t) =>
      t.handle('list_history', () => [{ connectionId: demo.id, records: history(now) }]),
  });

  const lane = await waitFor(() => {
    const el = document.querySelector(`[data-lane="${demo.id}"]`);
    expect(el?.querySelectorAll('rect').length).toBe(6);
    return el!;
  });
  expect(transport.calls).toEqual([
    { command: 'list_history', args: { since: expect.any(Number) } },
  ]);
  const since = (transport.calls[0]!.args as { since: number }).since;
  expect(Math.abs(since - (now - 60 * MIN))).toBeLessThan(5_000);
  // Drawn in time order, the drops last (on top): left to right by x.
  const rects = [...lane.querySelectorAll('rect')].sort(
    (a, b) => Number(a.getAttribute('x')) - Number(b.getAttribute('x')),
  );
  expect(rects.map((r) => r.getAttribute('data-status'))).toEqual([
    'disconnected',
    'connecting',
    'connected',
    'reconnecting',
    'connected',
    'error',
  ]);
  expect(
    [...lane.querySelectorAll('rect')].slice(-2).map((r) => r.getAttribute('data-status')),
  ).toEqual(['reconnecting', 'error']);
  expect(lane.textContent).toContain('1 drop · 1 error');
  // A connection without records is in its status now for the whole window.
  const other = document.querySelector(`[data-lane="${quiet.id}"]`)!;
  expect([...other.querySelectorAll('rect')].map((r) => r.getAttribute('data-status'))).toEqual([
    'connected',
  ]);
  expect(other.textContent).toContain('no drops');

  const drop = screen.getByRole('button', {
    name: /^Reconnecting from .*: connected.idle → reconnecting.waiting on CONNECTION_LOST \(57P01\)/,
  });
  act(() => fireEvent.click(drop));
  const { result } = renderHook(() => useTimeTravel(demo.id));
  expect(result.current.at).toBe(history(now)[4]!.at);
  // The keyboard too.
  act(() => fireEvent.keyDown(lane.querySelector('rect[data-status="error"]')!, { key: 'Enter' }));
  expect(result.current.at).toBe(history(now)[7]!.at);
});

test('"Last day" asks for a day of history', async () => {
  const { transport } = renderWithServices(<ConnectionsTimeline />, {
    views: [makeView()],
    handlers: (t) => t.handle('list_history', () => []),
  });
  fireEvent.click(screen.getByRole('tab', { name: 'Last day' }));
  await waitFor(() => expect(transport.calls).toHaveLength(2));
  const [hour, day] = transport.calls.map((c) => (c.args as { since: number }).since);
  expect(Math.round((hour! - day!) / MIN)).toBe(23 * 60);
});
