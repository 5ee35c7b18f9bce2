import { describe, expect, it } from 'vitest';
import { fakeEffects, settle, startActor } from './fake-effects.ts';

describe('keepalive', () => {
  it('pings once every keepaliveIntervalSec while connected', async () => {
    const effects = fakeEffects();
    const { actor, advance, state } = startActor(effects, { keepaliveIntervalSec: 60 });
    actor.send({ type: 'CONNECT' });
    await settle();
    expect(state()).toEqual({ connected: 'idle' });

    await advance(59_999);
    expect(effects.count('ping')).toBe(0);
    await advance(1);
    expect(effects.count('ping')).toBe(1);
    expect(state()).toEqual({ connected: 'idle' });

    for (let minute = 2; minute <= 5; minute++) {
      await advance(60_000);
      expect(effects.count('ping')).toBe(minute);
    }
    expect(actor.getSnapshot().context.keepalive.pings).toBe(5);
  });

  it('uses the configured interval, not the default', async () => {
    const effects = fakeEffects();
    const { actor, advance } = startActor(effects, { keepaliveIntervalSec: 5 });
    actor.send({ type: 'CONNECT' });
    await settle();
    // The simulated clock fires only timers already set, so move it one interval at a time.
    for (let i = 1; i <= 5; i++) await advance(5_000);
    expect(effects.count('ping')).toBe(5);
  });

  it('stops pinging after DISCONNECT', async () => {
    const effects = fakeEffects();
    const { actor, advance } = startActor(effects, { keepaliveIntervalSec: 1 });
    actor.send({ type: 'CONNECT' });
    await settle();
    await advance(3_000);
    actor.send({ type: 'DISCONNECT' });
    await settle();
    const before = effects.count('ping');
    await advance(10_000);
    expect(effects.count('ping')).toBe(before);
  });

  it('treats a failed ping as a lost connection', async () => {
    const effects = fakeEffects();
    const { actor, advance, state } = startActor(effects, { keepaliveIntervalSec: 1 });
    actor.send({ type: 'CONNECT' });
    await settle();
    effects.hold('openSession');
    effects.fail('ping', { kind: 'ConnectionLost', message: 'Connection terminated unexpectedly' });
    await advance(1_000);
    expect(state()).toEqual({ reconnecting: { attempting: 'opening' } });
    expect(actor.getSnapshot().context.lastError?.kind).toBe('ConnectionLost');
  });

  it('gives a ping that never answers connectTimeoutSec, then reconnects', async () => {
    const effects = fakeEffects();
    const { actor, advance, state } = startActor(effects, {
      keepaliveIntervalSec: 10,
      connectTimeoutSec: 3,
    });
    actor.send({ type: 'CONNECT' });
    await settle();
    effects.hold('ping');
    await advance(10_000);
    expect(state()).toEqual({ connected: 'pinging' });
    effects.hold('openSession');
    await advance(2_999);
    expect(state()).toEqual({ connected: 'pinging' });
    await advance(1);
    expect(state()).toEqual({ reconnecting: { attempting: 'opening' } });
    expect(actor.getSnapshot().context.lastError).toMatchObject({ kind: 'ConnectionLost' });
    expect(effects.closes).toContain('lost');
  });
});
