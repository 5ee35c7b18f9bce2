import { expect, it } from 'vitest';
import type { ViewsPayload } from '../../../machines/views.ts';
import { delay } from '../../test/helpers.ts';
import { createConnectionViews } from '../connection-views.ts';
import { createViewStream } from '../view-stream.ts';
import { configs, fakeManager, settle } from './helpers.ts';

it('sends every view once, then one message per frame with only what changed', async () => {
  const { manager } = fakeManager();
  const saved = configs(20);
  manager.send({ type: 'CONNECTIONS_LOAD', configs: saved });
  const views = createConnectionViews(manager);
  const stream = createViewStream(views, { frameMs: 16 });
  const messages: ViewsPayload[] = [];
  stream.subscribe((payload) => messages.push(payload));
  expect(messages).toEqual([{ full: true, views: views.all() }]);

  // A burst: two connections each go through five transitions within one frame.
  const [a, b] = [saved[3]!.id, saved[7]!.id];
  manager.send({ type: 'CONNECT', connectionId: a });
  manager.send({ type: 'CONNECT', connectionId: b });
  await settle();
  const transitions = views.all().reduce((n, v) => n + v.transitions.length, 0);
  await delay(60);

  expect(transitions).toBe(10);
  expect(messages).toHaveLength(2);
  const delta = messages[1] as Extract<ViewsPayload, { full: false }>;
  expect(delta.full).toBe(false);
  expect(delta.changed.map((v) => [v.id, v.status])).toEqual([
    [a, 'connected'],
    [b, 'connected'],
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

  expect(first.map((p) => p.full)).toEqual([true, false]);
  expect(second).toEqual([{ full: true, views: [views.get(a!.id)] }]);
  expect(second[0]).toMatchObject({ views: [{ status: 'connected' }] });
  // Both now start from the same point: nothing is pending.
  await delay(20);
  expect(first).toHaveLength(2);
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
