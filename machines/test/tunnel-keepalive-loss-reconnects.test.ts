import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import { validate } from '../config.ts';
import { connectionMachine } from '../connection.machine.ts';
import type { SessionInput } from '../connection.types.ts';
import {
  type TunnelEvent,
  type TunnelOpened,
  tunnelMachine,
  tunnelView,
} from '../tunnel.machine.ts';
import { fakeEffects, settle } from './fake-effects.ts';

const config = validate({
  id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  name: 'tunnelled',
  host: 'db.internal',
  database: 'app',
  username: 'tusk',
  sshTunnel: {
    enabled: true,
    host: 'bastion.example',
    username: 'ops',
    auth: 'agent',
    keepaliveIntervalSec: 15,
    keepaliveCountMax: 3,
  },
});

/** The tunnel's effects as test doubles: probes answered only while `answering`. */
function fakeTunnel() {
  const counts = { open: 0, probe: 0 };
  const state = { answering: true };
  const tunnel = tunnelMachine.provide({
    actors: {
      openTunnel: fromPromise<TunnelOpened, SessionInput>(async () => {
        counts.open++;
        return { fingerprint: 'SHA256:test' };
      }),
      probeTunnel: fromPromise<void, SessionInput>(async () => {
        counts.probe++;
        if (!state.answering) await new Promise(() => {});
      }),
      watchTunnel: fromCallback<TunnelEvent, SessionInput>(() => undefined),
    },
  });
  return { tunnel, counts, state };
}

describe('the SSH tunnel inside the connection actor', () => {
  it('opens before the pool, probes every interval, and a silent link is a loss after countMax probes', async () => {
    const effects = fakeEffects();
    const fake = fakeTunnel();
    const clock = new SimulatedClock();
    const actor = createActor(
      connectionMachine.provide({ actors: { ...effects.actors, tunnel: fake.tunnel } }),
      { input: { config }, clock },
    );
    actor.start();
    actor.send({ type: 'CONNECT' });
    await settle();
    expect(actor.getSnapshot().value).toEqual({ connected: 'idle' });
    expect(fake.counts.open).toBe(1);
    expect(tunnelView(actor.getSnapshot().children.tunnel)).toEqual({
      state: 'open',
      fingerprint: 'SHA256:test',
    });

    // Answered probes: one per interval, and the connection stays.
    for (let i = 1; i <= 3; i++) {
      clock.increment(15_000);
      await settle();
    }
    expect(fake.counts.probe).toBe(3);

    // Silent from now: probes at 15, 30, 45 s unanswered; lost at the interval after the third.
    fake.state.answering = false;
    for (let i = 1; i <= 3; i++) {
      clock.increment(15_000);
      await settle();
      expect(actor.getSnapshot().matches('connected')).toBe(true);
    }
    fake.state.answering = true;
    clock.increment(15_000);
    await settle();
    expect(actor.getSnapshot().context.lastError).toBeNull();
    expect(fake.counts.open).toBe(2);
    expect(actor.getSnapshot().value).toEqual({ connected: 'idle' });
    expect(effects.closes).toContain('lost');
  });
});
