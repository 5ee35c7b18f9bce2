import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoff, backoffCeiling } from '../backoff.ts';
import { DEFAULTS } from '../config.ts';
import { fakeEffects, refused, settle, startActor, terminated } from './fake-effects.ts';

const defaults = { ...DEFAULTS.backoff, jitter: 'full' as const };

describe('backoff()', () => {
  it('has a ceiling of 100 ms doubling, capped at 10 s', () => {
    const ceilings = Array.from({ length: 10 }, (_, i) => backoffCeiling(i + 1, defaults));
    expect(ceilings).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
    expect(backoffCeiling(1_000_000, defaults)).toBe(10_000);
  });

  it('draws uniformly within [0, ceiling] (full jitter)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: -1, max: 2 }),
        (attempt, r) => {
          const ms = backoff(attempt, { ...defaults, random: () => r });
          expect(Number.isInteger(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(backoffCeiling(attempt, defaults));
        },
      ),
    );
    expect(backoff(3, { ...defaults, random: () => 0 })).toBe(0);
    expect(backoff(3, { ...defaults, random: () => 0.5 })).toBe(200);
    expect(backoff(3, { ...defaults, random: () => Number.NaN })).toBe(400);
  });

  it('spreads draws over the whole window', () => {
    const draws = Array.from({ length: 2_000 }, () => backoff(4, defaults));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    // Uniform on [0, 800]: mean 400, standard error about 5.
    expect(mean).toBeGreaterThan(350);
    expect(mean).toBeLessThan(450);
    expect(Math.min(...draws)).toBeLessThan(80);
    expect(Math.max(...draws)).toBeGreaterThan(720);
  });

  it('returns the ceiling itself without jitter', () => {
    expect(backoff(5, { ...defaults, jitter: 'none' })).toBe(1600);
  });

  it('refuses a nonsense attempt number', () => {
    expect(() => backoff(0, defaults)).toThrow(RangeError);
    expect(() => backoff(1.5, defaults)).toThrow(RangeError);
  });
});

describe('reconnect schedule of the machine', () => {
  it('tries once at once, then waits a jittered, growing, capped delay before each attempt', async () => {
    const effects = fakeEffects();
    const { actor, advance, state } = startActor(effects, { maxReconnectAttempts: 12 });
    actor.send({ type: 'CONNECT' });
    await settle();
    const connects = effects.count('openSession');
    effects.fail('openSession', ...Array.from({ length: 11 }, () => refused));
    effects.loseConnection(terminated);
    await settle();
    // The first attempt after a loss goes without waiting.
    expect(effects.count('openSession')).toBe(connects + 1);

    for (let attempt = 1; attempt <= 10; attempt++) {
      expect(state()).toEqual({ reconnecting: 'waiting' });
      const { retryDelayMs, nextRetryAt } = actor.getSnapshot().context;
      expect(retryDelayMs).not.toBeNull();
      expect(retryDelayMs).toBeGreaterThanOrEqual(0);
      expect(retryDelayMs).toBeLessThanOrEqual(backoffCeiling(attempt, defaults));
      expect(nextRetryAt).toBeTypeOf('number');
      if (retryDelayMs! > 0) {
        await advance(retryDelayMs! - 1);
        expect(effects.count('openSession')).toBe(connects + attempt);
      }
      await advance(1);
      expect(effects.count('openSession')).toBe(connects + attempt + 1);
    }
  });
});
