import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
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
 * that happens at all was started by the readiness probe (a caller waiting), not by the timer.
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
  it('nobody waiting: nothing tries before the timer; a query waiting: its try opens the session the attempt takes', async () => {
    const { server, proxy } = env;
    const { config, actor } = await connectedThroughProxy();
    const causes = attemptCauses(actor);
    await downUntilWaiting(actor);
    // Down for a second with nobody waiting: the backoff alone decides, and it says 60 s.
    const before = proxy.connections.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(proxy.connections.length - before).toBe(0);

    // A caller waits: tries go at once, one at a time, as long as the server refuses.
    const release = effects().demand(config.id);
    await expect.poll(() => proxy.connections.length - before).toBeGreaterThanOrEqual(3);
    await server.start();
    const up = proxy.connections.length;
    await waitForStatus(actor, 'connected', 20_000);
    release();
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
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  });

  it('fails with the probe’s own failed login, not a second one, when the password changed', async () => {
    const { server, proxy } = env;
    const role = `probe_${Date.now()}`;
    await server.createRole(role, 'first-password');
    const { config, actor } = await connectedThroughProxy(role, 'first-password');
    await server.admin().query(`alter role ${role} password 'second-password'`);
    await refusedUntilWaiting(actor, config.options.applicationName);
    const release = effects().demand(config.id);
    const passed = () => proxy.connections.filter((c) => c.mode === 'pass').length;
    const before = passed();
    await proxy.setMode('pass');
    const failed = await waitForStatus(actor, 'error', 20_000);
    release();
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
    const release = effects().demand(config.id);
    await expect.poll(() => proxy.openCount(), { timeout: 1_000 }).toBe(1);

    await disconnected(actor);
    release();
    // Its own deadline is 2 s away: the close ended it, not the timeout.
    await expect.poll(() => proxy.openCount(), { timeout: 1_000 }).toBe(0);
    await proxy.setMode('pass');
  });
});
