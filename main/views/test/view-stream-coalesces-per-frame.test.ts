import { expect, it } from 'vitest';
import type { ViewsPayload } from '../../../machines/views.ts';
import { delay } from '../../test/helpers.ts';
import { createConnectionViews } from '../connection-views.ts';
import { createViewStream } from '../view-stream.ts';
import { configs, fakeManager, settle } from './helpers.ts';

const statusesOf = (messages: ViewsPayload[], id: string) =>
  messages.flatMap((m) =>
    (m.full ? m.views : m.changed).filter((v) => v.id === id).map((v) => v.status),
  );

it('sends every view once, then one message per frame with only what changed', async () => {
  const { manager, effects } = fakeManager();
  const saved = configs(20);
  manager.send({ type: 'CONNECTIONS_LOAD', configs: saved });
  const [a, b] = [saved[3]!.id, saved[7]!.id];
  manager.send({ type: 'CONNECT', connectionId: a });
  manager.send({ type: 'CONNECT', connectionId: b });
  await settle();
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 16 });
  const messages: ViewsPayload[] = [];
  stream.subscribe((payload) => messages.push(payload));
  expect(messages).toEqual([{ full: true, views: views.all() }]);

  // A burst that keeps each status: both connections ping twice (connected.idle → pinging →
  // idle, twice) within one frame.
  effects.calls.length = 0;
  for (let i = 0; i < 2; i++) {
    for (const id of [a, b]) manager.send({ type: 'WAKE', connectionId: id });
    await settle();
  }
  await delay(60);

  expect(effects.count('ping')).toBe(4);
  expect(messages).toHaveLength(2);
  const delta = messages[1] as Extract<ViewsPayload, { full: false }>;
  expect(delta.full).toBe(false);
  expect(delta.changed.map((v) => [v.id, v.status, v.keepalive.pings])).toEqual([
    [a, 'connected', 2],
    [b, 'connected', 2],
  ]);
  expect(delta.removed).toEqual([]);

  manager.send({ type: 'CONNECTION_REMOVE', connectionId: a });
  await settle();
  await delay(60);
  expect(messages).toHaveLength(3);
  expect(messages[2]).toMatchObject({ full: false, removed: [a] });
  stream.close();
  views.stop();
  manager.stop();
});

it('a status that lasts less than a frame is still sent: a connect, a loss and its reconnect', async () => {
  const { manager, effects } = fakeManager();
  const [a, b] = configs(2);
  manager.send({ type: 'CONNECTIONS_LOAD', configs: [a!, b!] });
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 1_000 });
  const messages: ViewsPayload[] = [];
  stream.subscribe((payload) => messages.push(payload));

  // Within one frame: a connects (connecting, then connected), then loses its session and
  // reconnects at once (reconnecting, then connected); b pings (its status stays).
  manager.send({ type: 'CONNECT', connectionId: a!.id });
  await settle();
  effects.loseConnection({ kind: 'ConnectionLost', message: 'terminated' });
  await settle();
  expect(views.get(a!.id)!.transitions.map((t) => t.to)).toContain('reconnecting.closing');
  expect(views.get(a!.id)!.status).toBe('connected');

  // Each status a took went out as it was left, in order, with nothing else from the frame.
  expect(statusesOf(messages, a!.id)).toEqual([
    'disconnected',
    'connecting',
    'connected',
    'reconnecting',
  ]);
  expect(messages).toHaveLength(4);
  expect(statusesOf(messages, b!.id)).toEqual(['disconnected']);
  // The status it is in now goes with the frame.
  stream.close();
  views.stop();
  manager.stop();
});

it('a subscriber that joins later gets the current whole set; earlier ones get the pending change first', async () => {
  const { manager } = fakeManager();
  const [a] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: a! });
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 1_000 });
  const first: ViewsPayload[] = [];
  const second: ViewsPayload[] = [];
  stream.subscribe((p) => first.push(p));
  manager.send({ type: 'CONNECT', connectionId: a!.id });
  await settle();
  stream.subscribe((p) => second.push(p));

  // The first got `connecting` as the connect left it, then the pending `connected`.
  expect(statusesOf(first, a!.id)).toEqual(['disconnected', 'connecting', 'connected']);
  expect(second).toEqual([{ full: true, views: [views.get(a!.id)] }]);
  expect(second[0]).toMatchObject({ views: [{ status: 'connected' }] });
  // Both now start from the same point: nothing is pending.
  await delay(20);
  expect(first).toHaveLength(3);
  stream.close();
  views.stop();
  manager.stop();
});

it('nothing that changed a view sends nothing', async () => {
  const { manager } = fakeManager();
  const [a] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: a! });
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 5 });
  const messages: ViewsPayload[] = [];
  stream.subscribe((p) => messages.push(p));
  views.invalidate(a!.id);
  await delay(30);
  expect(messages).toHaveLength(1);
  stream.close();
  views.stop();
  manager.stop();
});

it('after a status goes early, the rest of its frame goes when the frame ends, not a frame later', async () => {
  const { manager, effects } = fakeManager();
  const [a] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: a! });
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 300 });
  const messages: ViewsPayload[] = [];
  stream.subscribe((payload) => messages.push(payload));

  effects.hold('openSession');
  manager.send({ type: 'CONNECT', connectionId: a!.id });
  await settle();
  const frameStart = performance.now();
  await delay(150);
  effects.release('openSession');
  await settle();
  // `connecting` went as it was left, 150 ms into the frame; `connected` waits for its end.
  expect(statusesOf(messages, a!.id)).toEqual(['disconnected', 'connecting']);
  await delay(Math.max(0, frameStart + 300 + 100 - performance.now()));
  // 400 ms after the frame began: within a frame of 300 ms, plus room for a slow timer, and
  // before the 450 ms a fresh frame from the early send would take.
  expect(statusesOf(messages, a!.id)).toEqual(['disconnected', 'connecting', 'connected']);
  stream.close();
  views.stop();
  manager.stop();
});
