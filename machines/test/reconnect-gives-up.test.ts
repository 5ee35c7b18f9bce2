import { expect, it } from 'vitest';
import {
  badPassword,
  fakeEffects,
  refused,
  settle,
  startActor,
  terminated,
} from './fake-effects.ts';

async function lose(options: Parameters<typeof startActor>[1]) {
  const effects = fakeEffects();
  const started = startActor(effects, options);
  started.actor.send({ type: 'CONNECT' });
  await settle();
  return { effects, ...started, connects: effects.count('openSession') };
}

/** Moves the clock until the actor leaves `reconnecting` or the step budget runs out. */
async function runOut(started: Awaited<ReturnType<typeof lose>>) {
  for (let i = 0; i < 200 && started.actor.getSnapshot().matches('reconnecting'); i++) {
    await started.advance(10_000);
  }
}

it('goes to error after maxReconnectAttempts retryable failures, and no further', async () => {
  const lost = await lose({ maxReconnectAttempts: 4 });
  lost.effects.fail('openSession', ...Array.from({ length: 10 }, () => refused));
  lost.effects.loseConnection(terminated);
  await runOut(lost);
  expect(lost.state()).toEqual({ error: 'closed' });
  expect(lost.effects.count('openSession') - lost.connects).toBe(4);
  expect(lost.actor.getSnapshot().context.lastError).toMatchObject({ code: 'ECONNREFUSED' });
  await lost.advance(600_000);
  expect(lost.effects.count('openSession') - lost.connects).toBe(4);
  expect(lost.effects.isOpen()).toBe(false);
});

it('stops at the first non-retryable failure: a bad password is not retried', async () => {
  const lost = await lose({ maxReconnectAttempts: 20 });
  lost.effects.fail('openSession', refused, badPassword, refused);
  lost.effects.loseConnection(terminated);
  await runOut(lost);
  expect(lost.state()).toEqual({ error: 'closed' });
  expect(lost.effects.count('openSession') - lost.connects).toBe(2);
  expect(lost.actor.getSnapshot().context.lastError).toMatchObject({
    kind: 'AuthFailed',
    code: '28P01',
  });
});

it.each([
  ['missing database', { kind: 'ConnectionFailed', message: 'no such db', code: '3D000' }],
  ['missing credential', { kind: 'CredentialNotFound', message: 'no password stored' }],
  [
    'TLS verification',
    { kind: 'ConnectionFailed', message: 'bad cert', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
  ],
] as const)('does not retry a %s', async (_, error) => {
  const lost = await lose({});
  lost.effects.fail('resolveCredentials', error);
  lost.effects.loseConnection(terminated);
  await runOut(lost);
  expect(lost.state()).toEqual({ error: 'closed' });
  expect(lost.effects.count('resolveCredentials')).toBe(2);
});

it('with maxReconnectAttempts 0 a loss goes straight to error', async () => {
  const lost = await lose({ maxReconnectAttempts: 0 });
  lost.effects.loseConnection(terminated);
  await settle();
  expect(lost.state()).toEqual({ error: 'closed' });
  expect(lost.effects.count('openSession')).toBe(lost.connects);
  expect(lost.actor.getSnapshot().context.lastError).toMatchObject({ code: '57P01' });
});

it('a user-initiated connect fails fast, without retrying', async () => {
  const effects = fakeEffects();
  const { actor, advance, state } = startActor(effects);
  effects.fail('openSession', refused, refused);
  actor.send({ type: 'CONNECT' });
  await settle();
  expect(state()).toEqual({ error: 'closed' });
  await advance(60_000);
  expect(effects.count('openSession')).toBe(1);
  actor.send({ type: 'RETRY' });
  await settle();
  expect(state()).toEqual({ error: 'closed' });
  expect(effects.count('openSession')).toBe(2);
  actor.send({ type: 'CONNECT' });
  await settle();
  expect(state()).toEqual({ connected: 'idle' });
});

it('a connect that hangs fails with ConnectionTimeout after connectTimeoutSec', async () => {
  const effects = fakeEffects();
  const { actor, advance, state } = startActor(effects, { connectTimeoutSec: 7 });
  effects.hold('openSession');
  actor.send({ type: 'CONNECT' });
  await settle();
  await advance(6_999);
  expect(state()).toEqual({ connecting: 'opening' });
  await advance(1);
  expect(state()).toEqual({ error: 'closed' });
  expect(actor.getSnapshot().context.lastError).toMatchObject({ kind: 'ConnectionTimeout' });
  expect(effects.closes).toEqual(['failed']);
});

it('a reconnect attempt that hangs counts as a failed attempt and is retried', async () => {
  const lost = await lose({ connectTimeoutSec: 2 });
  lost.effects.hold('applySession');
  lost.effects.loseConnection(terminated);
  await settle();
  expect(lost.state()).toEqual({ reconnecting: { attempting: 'session' } });
  await lost.advance(2_000);
  expect(lost.state()).toEqual({ reconnecting: 'waiting' });
  expect(lost.actor.getSnapshot().context.lastError).toMatchObject({ kind: 'ConnectionTimeout' });
  lost.effects.release('applySession');
  await lost.advance(200);
  expect(lost.state()).toEqual({ connected: 'idle' });
  expect(lost.actor.getSnapshot().context.attempt).toBe(0);
});
