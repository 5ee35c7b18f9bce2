import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  recordStatuses,
  sessionOf,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();
let proxy: FaultProxy;

beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(() => proxy.close());

// keepaliveIntervalSec 1 + connectTimeoutSec 2 (the ping's deadline), plus slack for timers on a busy machine.
const DETECT_WITHIN_MS = 1000 + 2000 + 750;

describe('a network that silently drops everything while idle', () => {
  it('is noticed by the keepalive within interval + ping timeout, and recovers', async () => {
    const config = configFor(
      { ...server, host: proxy.host, port: proxy.port },
      { options: { keepaliveIntervalSec: 1, connectTimeoutSec: 2, poolMax: 3 } },
    );
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const statuses = recordStatuses(actor);

    await proxy.setMode('blackhole');
    const since = performance.now();
    await waitForStatus(actor, 'reconnecting', DETECT_WITHIN_MS + 1000);
    expect(performance.now() - since).toBeLessThan(DETECT_WITHIN_MS);
    expect(actor.getSnapshot().context.lastError).toMatchObject({ kind: 'ConnectionLost' });

    await proxy.setMode('pass');
    await waitForStatus(actor, 'connected', 8000);
    expect(statuses.statuses()).toEqual(['connected', 'reconnecting', 'connected']);
    await expect(runQuery(sessionOf(effects(), config), 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    statuses.stop();
    await disconnected(actor);
  });
});
