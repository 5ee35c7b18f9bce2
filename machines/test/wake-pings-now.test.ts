import { expect, it } from 'vitest';
import { fakeEffects, refused, settle, startActor, terminated } from './fake-effects.ts';

it('WAKE while connected pings at once instead of waiting for the interval', async () => {
  const effects = fakeEffects();
  const { actor, advance } = startActor(effects, { keepaliveIntervalSec: 60 });
  actor.send({ type: 'CONNECT' });
  await settle();
  await advance(1_000);
  expect(effects.count('ping')).toBe(0);
  actor.send({ type: 'WAKE' });
  await settle();
  expect(effects.count('ping')).toBe(1);
  // The interval starts again from the wake-up ping.
  await advance(59_999);
  expect(effects.count('ping')).toBe(1);
  await advance(1);
  expect(effects.count('ping')).toBe(2);
  // A WAKE with no cause pings as the interval does.
  expect(effects.pings).toEqual(['interval', 'interval']);
});

it('WAKE while waiting to reconnect attempts at once', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  actor.send({ type: 'CONNECT' });
  await settle();
  effects.fail('openSession', refused);
  effects.loseConnection(terminated);
  await settle();
  expect(state()).toEqual({ reconnecting: 'waiting' });
  const attempts = effects.count('openSession');
  actor.send({ type: 'WAKE' });
  await settle();
  expect(effects.count('openSession')).toBe(attempts + 1);
  expect(state()).toEqual({ connected: 'idle' });
});

it('WAKE is ignored while disconnected', async () => {
  const effects = fakeEffects();
  const { actor, state } = startActor(effects);
  actor.send({ type: 'WAKE' });
  await settle();
  expect(state()).toEqual({ disconnected: 'closed' });
  expect(effects.calls).toEqual([]);
});

it("a WAKE for a resume, a network change or the page back online tells the ping the path is in doubt; a page back in view or a user's click does not", async () => {
  const effects = fakeEffects();
  const { actor } = startActor(effects, { keepaliveIntervalSec: 60 });
  actor.send({ type: 'CONNECT' });
  await settle();
  for (const cause of ['resume', 'network', 'online', 'visible', 'user', 'ready'] as const) {
    actor.send({ type: 'WAKE', cause });
    await settle();
  }
  expect(effects.pings).toEqual([
    'path in doubt',
    'path in doubt',
    'path in doubt',
    'interval',
    'interval',
    'interval',
  ]);
});
