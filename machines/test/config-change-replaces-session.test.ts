import { expect, it } from 'vitest';
import { sessionKey } from '../config.ts';
import {
  fakeEffects,
  refused,
  settle,
  startActor,
  terminated,
  testConfig,
} from './fake-effects.ts';

const readonlyConfig = () => {
  const config = testConfig();
  return { ...config, options: { ...config.options, readonly: true } };
};

it('a session setting changed while connected replaces the session at once', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  actor.send({ type: 'CONNECT' });
  await settle();
  const opens = effects.count('openSession');
  actor.send({ type: 'UPDATE_CONFIG', config: readonlyConfig() });
  await settle();
  // The old session was healthy: it is closed politely, not destroyed.
  expect(effects.closes.at(-1)).toBe('replace');
  expect(effects.count('openSession')).toBe(opens + 1);
  expect(state()).toEqual({ connected: 'idle' });
  expect(actor.getSnapshot().context.config.options.readonly).toBe(true);
});

it('a new name or keepalive interval keeps the open session', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  actor.send({ type: 'CONNECT' });
  await settle();
  const config = testConfig();
  const renamed = {
    ...config,
    name: 'renamed',
    options: { ...config.options, keepaliveIntervalSec: 5 },
  };
  expect(sessionKey(renamed)).toBe(sessionKey(config));
  actor.send({ type: 'UPDATE_CONFIG', config: renamed });
  await settle();
  expect(effects.closes).toEqual([]);
  expect(state()).toEqual({ connected: 'idle' });
  expect(actor.getSnapshot().context.config.name).toBe('renamed');
});

it('a session setting changed while connecting restarts the connect with it', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  effects.hold('applySession');
  actor.send({ type: 'CONNECT' });
  await settle();
  expect(state()).toEqual({ connecting: 'session' });
  actor.send({ type: 'UPDATE_CONFIG', config: readonlyConfig() });
  await settle();
  expect(state()).toEqual({ connecting: 'session' });
  expect(effects.count('resolveCredentials')).toBe(2);
  effects.release('applySession');
  await settle();
  expect(state()).toEqual({ connected: 'idle' });
  expect(actor.getSnapshot().context.config.options.readonly).toBe(true);
});

it('a session setting changed while reconnecting starts the next attempt over with it', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  actor.send({ type: 'CONNECT' });
  await settle();
  effects.fail('openSession', refused);
  effects.loseConnection(terminated);
  await settle();
  expect(state()).toEqual({ reconnecting: 'waiting' });
  actor.send({ type: 'UPDATE_CONFIG', config: readonlyConfig() });
  await settle();
  expect(actor.getSnapshot().context.config.options.readonly).toBe(true);
  expect(effects.closes.filter((c) => c === 'lost').length).toBeGreaterThanOrEqual(3);
});
