import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { probeDelayMs } from '../effects.ts';
import { runQuery } from '../query.ts';
import {
  type ConnectionActor,
  type ConnectionSnapshot,
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  ownServerBehindProxy,
  sessionOf,
  startConnection,
  waitForStatus,
  withRetryWaits,
} from './fixtures.ts';

const { effects, actors } = effectsPerTest();
const env = ownServerBehindProxy();

/**
 * Every wait of the backoff is 60 s here, longer than the test's own timeouts: a reconnect
 * that happens at all was started by the readiness probe, not by the timer.
 */
const slowBackoff = withRetryWaits(() => 60_000);

/** Each event that moved the actor into `reconnecting.attempting`, in order. */
function attemptCauses(actor: ConnectionActor) {
  const causes: string[] = [];
  let was = false;
  const sub = actor.system.inspect((e) => {
    if (e.type !== '@xstate.microstep' || e.actorRef !== actor) return;
    const now = (e.snapshot as ConnectionSnapshot).matches({ reconnecting: 'attempting' });
    if (now && !was) causes.push(e.event.type);
    was = now;
  });
  return { causes, stop: () => sub.unsubscribe() };
}

async function downUntilWaiting(actor: ConnectionActor) {
  await env.server.stop();
  // The first attempt goes at once and is refused; then the 60 s wait, with the probe running.
  await waitFor(actor, (s) => s.matches({ reconnecting: 'waiting' }) && s.context.attempt === 1, {
    timeout: 10_000,
  });
}

/** A connection through the proxy, with 60 s reconnect waits, connected. */
async function connectedThroughProxy(user = env.server.user, password = env.server.password) {
  const { server, proxy } = env;
  const config = configFor({ ...server, host: proxy.host, port: proxy.port, user });
  const actor = startConnection(effects(), config, { password, actors, machine: slowBackoff });
  await connected(actor);
  return { config, actor };
}

/** Out of reach (the proxy refuses), the backends gone: the first attempt fails, the wait begins. */
async function refusedUntilWaiting(actor: ConnectionActor, applicationName: string) {
  await env.proxy.setMode('refuse');
  await env.server.terminate({ applicationName });
  await waitFor(actor, (s) => s.matches({ reconnecting: 'waiting' }) && s.context.attempt === 1, {
    timeout: 10_000,
  });
}

describe('a server that comes back while the reconnect waits', () => {
  it('is reconnected to when it accepts again, by the probe, on the session the probe opened', async () => {
    const { server, proxy } = env;
    const { config, actor } = await connectedThroughProxy();
    const causes = attemptCauses(actor);
    await downUntilWaiting(actor);
    // Down for a while: the probe keeps trying, spaced out (a twentieth of the outage so far):
    // some 90 tries in the first second, where a loop retrying at once would make thousands.
    const before = proxy.connections.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const tries = proxy.connections.length - before;
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(tries).toBeLessThanOrEqual(150);

    await server.start();
    const up = proxy.connections.length;
    await waitForStatus(actor, 'connected', 20_000);
    await sessionOf(effects(), config).controlReady;

    // The attempt after the wait was the probe's WAKE; it took the session the probe opened,
    // so the reconnect made two connections in all: the pool's first client and the control.
    expect(causes.causes).toHaveLength(2);
    expect(causes.causes[1]).toBe('WAKE');
    expect(actor.getSnapshot().context.attempt).toBe(0);
    const backends = await server.backends({ applicationName: config.options.applicationName });
    expect(backends).toHaveLength(2);
    expect(proxy.connections.length - up).toBeLessThanOrEqual(3);
    await expect(runQuery(sessionOf(effects(), config), 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    causes.stop();
    await disconnected(actor);
    // Through the proxy the client's socket closes when the proxy has its goodbye, a moment
    // before the backend has read it and gone.
    await expect
      .poll(() => server.backends({ applicationName: config.options.applicationName }), {
        timeout: 2_000,
      })
      .toEqual([]);
  });

  it('fails with the probe’s own failed login, not a second one, when the password changed', async () => {
    const { server, proxy } = env;
    const role = `probe_${Date.now()}`;
    await server.createRole(role, 'first-password');
    const { config, actor } = await connectedThroughProxy(role, 'first-password');
    await server.admin().query(`alter role ${role} password 'second-password'`);
    await refusedUntilWaiting(actor, config.options.applicationName);
    const passed = () => proxy.connections.filter((c) => c.mode === 'pass').length;
    const before = passed();
    await proxy.setMode('pass');
    const failed = await waitForStatus(actor, 'error', 20_000);
    expect(failed.context.lastError).toMatchObject({ kind: 'AuthFailed', code: '28P01' });
    // One login refused, the probe's: the attempt reported it without connecting again.
    expect(passed()).toBe(before + 1);
  });
});

describe('a probe try still in flight', () => {
  it('is ended by a DISCONNECT: nothing of it stays open', async () => {
    const { proxy } = env;
    const { config, actor } = await connectedThroughProxy();
    await refusedUntilWaiting(actor, config.options.applicationName);
    // Now new connections go nowhere (no byte comes back): the probe's next try stalls.
    await proxy.setMode('blackhole');
    await expect.poll(() => proxy.openCount(), { timeout: 1_000 }).toBe(1);

    await disconnected(actor);
    // Its own deadline is 2 s away: the close ended it, not the timeout.
    await expect.poll(() => proxy.openCount(), { timeout: 1_000 }).toBe(0);
    await proxy.setMode('pass');
  });
});

describe('probeDelayMs', () => {
  it('is a twentieth of the outage so far, at least 2 ms, jittered by half either way', () => {
    expect(probeDelayMs(0, () => 0.5)).toBe(2);
    expect(probeDelayMs(10_000, () => 0.5)).toBe(500);
    expect(probeDelayMs(10_000, () => 0)).toBe(250);
    expect(probeDelayMs(10_000, () => 0.999)).toBeCloseTo(749.5, 1);
  });
});
