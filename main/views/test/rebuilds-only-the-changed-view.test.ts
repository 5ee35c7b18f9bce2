import { expect, it } from 'vitest';
import { createConnectionViews } from '../connection-views.ts';
import { configs, fakeManager, settle } from './helpers.ts';

it('of 1,000 connections, a transition of one rebuilds that one view; the others stay the same objects', async () => {
  const { manager } = fakeManager();
  const saved = configs(1_000);
  manager.send({ type: 'CONNECTIONS_LOAD', configs: saved });
  const views = createConnectionViews(manager);
  const before = views.all();
  expect(before).toHaveLength(1_000);
  const touched: string[] = [];
  views.onChange((id) => touched.push(id));

  const target = saved[500]!.id;
  manager.send({ type: 'CONNECT', connectionId: target });
  await settle();

  const after = views.all();
  expect(new Set(touched)).toEqual(new Set([target]));
  const rebuilt = after.filter((view, i) => view !== before[i]);
  expect(rebuilt.map((v) => v.id)).toEqual([target]);
  expect(rebuilt[0]!.status).toBe('connected');
  // Asking again without a change builds nothing.
  expect(views.all().every((view, i) => view === after[i])).toBe(true);
  views.stop();
  manager.stop();
});

it('sees connections spawned and removed after it started', async () => {
  const { manager } = fakeManager();
  const views = createConnectionViews(manager);
  const [a, b] = configs(2);
  const touched: string[] = [];
  views.onChange((id) => touched.push(id));
  manager.send({ type: 'CONNECTION_ADD', config: a! });
  manager.send({ type: 'CONNECTION_ADD', config: b! });
  expect(views.all().map((v) => v.id)).toEqual([a!.id, b!.id]);
  manager.send({ type: 'CONNECTION_REMOVE', connectionId: a!.id });
  await settle();
  expect(views.get(a!.id)).toBeUndefined();
  expect(views.all().map((v) => v.id)).toEqual([b!.id]);
  expect(touched).toEqual([a!.id, b!.id, a!.id]);
  views.stop();
  manager.stop();
});

it('sessions and the demo flag come from their providers; invalidate rebuilds only when they differ', () => {
  const { manager } = fakeManager();
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  let busy = false;
  const views = createConnectionViews(manager, {
    isDemo: (id) => id === config!.id,
    sessionsOf: () => [{ sessionId: 's1', transaction: 'idle', busy, statePersists: true }],
  });
  const first = views.get(config!.id)!;
  expect(first.demo).toBe(true);
  expect(first.sessions).toEqual([
    { sessionId: 's1', transaction: 'idle', busy: false, statePersists: true },
  ]);
  views.invalidate(config!.id);
  expect(views.get(config!.id)).toBe(first);
  busy = true;
  views.invalidate(config!.id);
  expect(views.get(config!.id)!.sessions[0]!.busy).toBe(true);
  views.stop();
  manager.stop();
});

it('a sessions provider that says when they changed rebuilds that view, and is let go on stop', () => {
  const { manager } = fakeManager();
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  let transaction: 'idle' | 'in-transaction' = 'idle';
  const listeners = new Set<(id: string) => void>();
  const views = createConnectionViews(manager, {
    sessionsOf: () => [{ sessionId: 's1', transaction, busy: false, statePersists: true }],
    onSessionsChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const touched: string[] = [];
  views.onChange((id) => touched.push(id));
  expect(views.get(config!.id)!.sessions[0]!.transaction).toBe('idle');
  transaction = 'in-transaction';
  for (const listener of listeners) listener(config!.id);
  expect(touched).toEqual([config!.id]);
  expect(views.get(config!.id)!.sessions[0]!.transaction).toBe('in-transaction');
  views.stop();
  expect(listeners.size).toBe(0);
  manager.stop();
});
