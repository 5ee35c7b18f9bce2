import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  waitForStatus,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();
let proxy: FaultProxy;
let applicationName: string | undefined;

beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(async () => {
  await proxy.close();
  // The server never heard of the drop: end the pg_sleep(60) backends we left behind.
  if (applicationName) await server.terminate({ applicationName });
});

const DETECT_WITHIN_MS = 1000 + 2000 + 750;

describe('a network that silently drops everything during a running query', () => {
  it('is noticed while every pooled client is busy; the query fails with ConnectionLost', async () => {
    const config = configFor(
      { ...server, host: proxy.host, port: proxy.port },
      { options: { keepaliveIntervalSec: 1, connectTimeoutSec: 2, poolMax: 3 } },
    );
    applicationName = config.options.applicationName;
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    // Both pooled clients busy with a long query, no statement timeout.
    const running = [1, 2].map(() => runQuery(session, 'select pg_sleep(60)'));
    const outcomes = running.map((p) =>
      p.then(
        () => ({ error: undefined, at: performance.now() }),
        (error: unknown) => ({ error, at: performance.now() }),
      ),
    );
    await expect
      .poll(async () =>
        (await server.backends({ applicationName })).filter(
          (b) => b.state === 'active' && b.query === 'select pg_sleep(60)',
        ),
      )
      .toHaveLength(2);

    await proxy.setMode('blackhole');
    const since = performance.now();
    await waitForStatus(actor, 'reconnecting', DETECT_WITHIN_MS + 1000);
    expect(performance.now() - since).toBeLessThan(DETECT_WITHIN_MS);

    for (const { error, at } of await Promise.all(outcomes)) {
      expect(error).toBeInstanceOf(TuskError);
      expect(error).toMatchObject({ kind: 'ConnectionLost' });
      expect(at - since).toBeLessThan(DETECT_WITHIN_MS);
    }

    await proxy.setMode('pass');
    await waitForStatus(actor, 'connected', 8000);
    await expect(runQuery(sessionOf(effects(), config), 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    await disconnected(actor);
  });
});
