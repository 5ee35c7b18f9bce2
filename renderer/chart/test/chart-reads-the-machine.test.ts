import { expect, test } from 'vitest';
import { connectionMachine } from '../../../machines/connection.machine.ts';
import { activePaths } from '../../lib/state-paths.ts';
import { acceptedEvents, chartOf, edgesTaken } from '../model.ts';

const chart = chartOf(connectionMachine);

test('every state of the machine is a node, compound states hold their children', () => {
  const paths = chart.nodes.map((n) => n.path);
  expect(paths).toContain('connected.pinging');
  expect(paths).toContain('reconnecting.attempting.opening');
  expect(chart.nodes.find((n) => n.path === 'reconnecting.attempting')).toMatchObject({
    compound: true,
    parent: 'reconnecting',
  });
  expect(chart.nodes.find((n) => n.path === 'disconnected.closed')?.initial).toBe(true);
});

test('edges carry event names, delays and guards as the machine has them', () => {
  const labels = chart.edges.map((e) => `${e.source} -${e.label}-> ${e.target}`);
  expect(labels).toContain('disconnected -CONNECT-> connecting');
  expect(labels).toContain('connected.idle -after keepaliveInterval-> connected.pinging');
  expect(labels).toContain('connected.lost -always [autoReconnect]-> reconnecting');
  expect(labels).toContain('reconnecting.waiting -after retryBackoff-> reconnecting.attempting');
});

test('the user events offered are the ones the active states take', () => {
  const at = (value: Parameters<typeof activePaths>[0]) =>
    [...acceptedEvents(chart, activePaths(value))].sort();
  expect(at({ disconnected: 'closed' })).toEqual(['CONNECT']);
  expect(at({ connected: 'idle' })).toEqual(['DISCONNECT', 'WAKE']);
  expect(at({ connected: 'pinging' })).toEqual(['DISCONNECT']);
  expect(at({ reconnecting: 'waiting' })).toEqual(['DISCONNECT', 'RETRY', 'WAKE']);
  // WAKE in error is guarded (a retryable failure only): offered, and the machine decides.
  expect(at({ error: 'closed' })).toEqual(['CONNECT', 'DISCONNECT', 'RETRY', 'WAKE']);
});

test('a recorded transition marks its edge, and the eventless edges it went on through', () => {
  const label = (ids: Set<string>) =>
    [...ids]
      .map((id) => chart.edges.find((e) => e.id === id)!)
      .map((e) => `${e.source}>${e.target}`);
  expect(
    label(
      edgesTaken(chart, {
        at: 0,
        from: 'connected.idle',
        to: 'connected.pinging',
        event: 'xstate.after.keepaliveInterval.connection.connected.idle',
      }),
    ),
  ).toEqual(['connected.idle>connected.pinging']);
  expect(
    label(
      edgesTaken(chart, {
        at: 0,
        from: 'connected.pinging',
        to: 'reconnecting.closing',
        event: 'xstate.error.actor.0.connection.connected.pinging',
      }),
    ),
  ).toEqual(['connected.pinging>connected.lost', 'connected.lost>reconnecting']);
  // DISCONNECT is defined on `connected`, the record names the leaf it left.
  expect(
    label(
      edgesTaken(chart, {
        at: 0,
        from: 'connected.idle',
        to: 'disconnected.closing',
        event: 'DISCONNECT',
      }),
    ),
  ).toEqual(['connected>disconnected.closing']);
});

test('a last step that finishes its compound state marks the way out of it too', () => {
  const taken = edgesTaken(chart, {
    at: 0,
    from: 'reconnecting.attempting.serverInfo',
    to: 'connected.idle',
    event: 'xstate.done.actor.0.connection.reconnecting.attempting.serverInfo',
  });
  const pairs = [...taken]
    .map((id) => chart.edges.find((e) => e.id === id)!)
    .map((e) => `${e.source}>${e.target}`);
  expect(pairs).toEqual([
    'reconnecting.attempting.serverInfo>reconnecting.attempting.ready',
    'reconnecting.attempting>connected',
  ]);
});
