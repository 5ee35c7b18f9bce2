import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { TuskError } from '../../../machines/errors.ts';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  sessionOf,
  startConnection,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();
let proxy: FaultProxy;

beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(() => proxy.close());

const backendsOf = async (applicationName: string) =>
  (await server.backends({ applicationName })).length;

describe('DISCONNECT', () => {
  it('cancels running queries and resolves only when no backend is left', async () => {
    const config = configFor(server, { options: { poolMax: 4 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);
    const running = [1, 2, 3].map(() =>
      runQuery(session, 'select pg_sleep(30)').then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    // Wait until all three are on the wire: one still waiting for its client would (rightly)
    // fail with NotConnected, as it was never sent.
    await expect
      .poll(async () =>
        (await server.backends({ applicationName: config.options.applicationName })).filter(
          (b) => b.state === 'active' && b.query === 'select pg_sleep(30)',
        ),
      )
      .toHaveLength(3);

    const started = performance.now();
    await disconnected(actor);
    expect(performance.now() - started).toBeLessThan(1500);
    // No polling: the close resolved after the server had closed every socket.
    expect(await backendsOf(config.options.applicationName)).toBe(0);
    for (const error of await Promise.all(running)) {
      expect(error).toBeInstanceOf(TuskError);
      expect(error).toMatchObject({ kind: 'ConnectionLost' });
    }
    expect(effects().sessions.has(config.id)).toBe(false);
    await expect(runQuery(session, 'select 1')).rejects.toMatchObject({ kind: 'NotConnected' });
  });

  it.each(['credentials', 'opening', 'session', 'serverInfo'] as const)(
    'during connecting (%s) leaves nothing open, and a new CONNECT works',
    async (step) => {
      const config = configFor(server);
      const actor = startConnection(effects(), config, { password: server.password, actors });
      const reached = waitFor(actor, (s) => s.matches({ connecting: step }), { timeout: 5000 });
      actor.send({ type: 'CONNECT' });
      await reached;
      await disconnected(actor);

      expect(effects().sessions.has(config.id)).toBe(false);
      // No polling: a login the server had answered was let finish and ended with a Terminate.
      expect(await backendsOf(config.options.applicationName)).toBe(0);
      await connected(actor);
      await disconnected(actor);
      expect(await backendsOf(config.options.applicationName)).toBe(0);
    },
  );

  it('while a connect hangs on a silent network, closes every socket at once', async () => {
    await proxy.setMode('blackhole');
    const config = configFor(
      { ...server, host: proxy.host, port: proxy.port },
      { options: { connectTimeoutSec: 10 } },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    await waitFor(actor, (s) => s.matches({ connecting: 'opening' }));
    await expect.poll(() => proxy.openCount()).toBe(1);

    const started = performance.now();
    await disconnected(actor);
    expect(performance.now() - started).toBeLessThan(500);
    await expect.poll(() => proxy.openCount(), { timeout: 1000 }).toBe(0);
    expect(effects().sessions.has(config.id)).toBe(false);
  });
});
