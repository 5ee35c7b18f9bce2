import { expect, it } from 'vitest';
import { fakeEffects, refused, settle, startActor, terminated } from './fake-effects.ts';

type Effects = ReturnType<typeof fakeEffects>;
type Started = ReturnType<typeof startActor>;
type Step = Parameters<Effects['hold']>[0];

const connect = async (effects: Effects, started: Started, holdAt?: Step) => {
  if (holdAt) effects.hold(holdAt);
  started.actor.send({ type: 'CONNECT' });
  await settle();
};

const loseAndHold = async (effects: Effects, started: Started, holdAt: Step) => {
  await connect(effects, started);
  effects.hold(holdAt);
  effects.loseConnection(terminated);
  await settle();
};

/** How to bring a fresh actor into each state; the key is the state it must be in. */
const drivers: Record<string, (effects: Effects, started: Started) => Promise<void>> = {
  'connecting.credentials': (e, s) => connect(e, s, 'resolveCredentials'),
  'connecting.opening': (e, s) => connect(e, s, 'openSession'),
  'connecting.session': (e, s) => connect(e, s, 'applySession'),
  'connecting.serverInfo': (e, s) => connect(e, s, 'readServerInfo'),
  'connected.idle': (e, s) => connect(e, s),
  'connected.pinging': async (e, s) => {
    await connect(e, s);
    e.hold('ping');
    s.actor.send({ type: 'WAKE' });
    await settle();
  },
  'reconnecting.closing': (e, s) => loseAndHold(e, s, 'closeSession'),
  'reconnecting.waiting': async (e, s) => {
    await connect(e, s);
    e.fail('openSession', refused);
    e.loseConnection(terminated);
    await settle();
  },
  'reconnecting.attempting.credentials': (e, s) => loseAndHold(e, s, 'resolveCredentials'),
  'reconnecting.attempting.opening': (e, s) => loseAndHold(e, s, 'openSession'),
  'reconnecting.attempting.session': (e, s) => loseAndHold(e, s, 'applySession'),
  'reconnecting.attempting.serverInfo': (e, s) => loseAndHold(e, s, 'readServerInfo'),
  'error.closing': async (e, s) => {
    e.fail('applySession', refused);
    await connect(e, s, 'closeSession');
  },
  'error.closed': async (e, s) => {
    e.fail('applySession', refused);
    await connect(e, s);
  },
};

const path = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}.${path(v)}`)
        .join();

it.each(Object.keys(drivers))(
  'DISCONNECT from %s reaches disconnected with nothing left open',
  async (statePath) => {
    const effects = fakeEffects();
    const started = startActor(effects);
    await drivers[statePath]!(effects, started);
    expect(path(started.state())).toBe(statePath);

    started.actor.send({ type: 'DISCONNECT' });
    for (const step of [
      'resolveCredentials',
      'openSession',
      'applySession',
      'readServerInfo',
      'ping',
      'closeSession',
    ] as const) {
      effects.release(step);
    }
    await settle();

    expect(started.state()).toEqual({ disconnected: 'closed' });
    expect(effects.closes.at(-1)).toBe('disconnect');
    expect(effects.isOpen()).toBe(false);
    // Nothing stirs afterwards: no keepalive, no reconnect attempt.
    const calls = effects.calls.length;
    await started.advance(600_000);
    expect(effects.calls.length).toBe(calls);
    expect(started.actor.getSnapshot().context.server).toBeNull();
  },
);

it('DISCONNECT while already disconnected does nothing', async () => {
  const effects = fakeEffects();
  const started = startActor(effects);
  started.actor.send({ type: 'DISCONNECT' });
  await settle();
  expect(started.state()).toEqual({ disconnected: 'closed' });
  expect(effects.calls).toEqual([]);
});
