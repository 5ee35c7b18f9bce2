import { expect, it } from 'vitest';
import { terminated } from '../../../machines/test/fake-effects.ts';
import { TRANSITION_HISTORY } from '../../../machines/views.ts';
import { createConnectionViews } from '../connection-views.ts';
import { configs, fakeManager, settle } from './helpers.ts';

it('records each transition with dotted paths, its event, and the host reached', async () => {
  const { manager } = fakeManager();
  const views = createConnectionViews(manager, { now: () => 1234 });
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  manager.send({ type: 'CONNECT', connectionId: config!.id });
  await settle();

  const view = views.get(config!.id)!;
  expect(view.status).toBe('connected');
  expect(view.state).toEqual({ connected: 'idle' });
  expect(view.transitions.map((t) => [t.from, t.to])).toEqual([
    ['disconnected.closed', 'connecting.credentials'],
    ['connecting.credentials', 'connecting.opening'],
    ['connecting.opening', 'connecting.session'],
    ['connecting.session', 'connecting.serverInfo'],
    ['connecting.serverInfo', 'connected.idle'],
  ]);
  expect(view.transitions[0]).toEqual({
    at: 1234,
    from: 'disconnected.closed',
    to: 'connecting.credentials',
    event: 'CONNECT',
  });
  expect(view.transitions.at(-1)!.event).toMatch(/^xstate\.done\.actor\./);
  expect(view.transitions.at(-1)!.host).toBe('db.example:5432');
  expect(view.transitions.slice(0, -1).every((t) => t.host === undefined)).toBe(true);
  views.stop();
  manager.stop();
});

it('a loss is recorded with the error kind and SQLSTATE that caused it', async () => {
  const { manager, effects } = fakeManager();
  const views = createConnectionViews(manager);
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  manager.send({ type: 'CONNECT', connectionId: config!.id });
  await settle();
  effects.loseConnection(terminated);
  await settle();

  const { transitions, status } = views.get(config!.id)!;
  const loss = transitions.find((t) => t.event === 'CONNECTION_LOST')!;
  expect(loss).toMatchObject({
    from: 'connected.idle',
    to: 'reconnecting.closing',
    error: { kind: 'ConnectionLost', code: '57P01' },
  });
  expect(status).toBe('connected');
  // Back to connected: the later steps set no new error.
  expect(transitions.filter((t) => t.error)).toHaveLength(1);
  views.stop();
  manager.stop();
});

it(`keeps the last ${TRANSITION_HISTORY} transitions, newest last`, async () => {
  const { manager } = fakeManager();
  const views = createConnectionViews(manager);
  const [config] = configs(1);
  manager.send({ type: 'CONNECTION_ADD', config: config! });
  // Each round is connecting (4 steps), connected, closing, closed: 7 transitions.
  for (let round = 0; round < 40; round++) {
    manager.send({ type: 'CONNECT', connectionId: config!.id });
    await settle();
    manager.send({ type: 'DISCONNECT', connectionId: config!.id });
    await settle();
  }
  const { transitions } = views.get(config!.id)!;
  expect(transitions).toHaveLength(TRANSITION_HISTORY);
  expect(transitions.at(-1)).toMatchObject({
    from: 'disconnected.closing',
    to: 'disconnected.closed',
  });
  views.stop();
  manager.stop();
});
