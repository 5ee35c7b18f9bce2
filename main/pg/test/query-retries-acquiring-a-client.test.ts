import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  delay,
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

/** Connected through the proxy with the pool's only idle client held, so a query needs a new one. */
async function connectedWithPoolDrained() {
  const config = configFor(
    { ...server, host: proxy.host, port: proxy.port },
    { options: { poolMax: 3, connectTimeoutSec: 2 } },
  );
  const actor = startConnection(effects(), config, { password: server.password, actors });
  await connected(actor);
  const session = sessionOf(effects(), config);
  const held = await session.pool!.connect();
  return { actor, session, held };
}

describe('runQuery when a pooled client cannot be had', () => {
  it('asks again with backoff, and the query runs once the server accepts connections', async () => {
    const { actor, session, held } = await connectedWithPoolDrained();
    // Open connections stay; new ones are refused.
    await proxy.setMode('refuse');
    const before = proxy.connections.length;
    const query = runQuery(session, 'select 42 as answer', [], { acquireTimeoutMs: 5000 });
    await delay(400);
    await proxy.setMode('pass');

    await expect(query).resolves.toMatchObject({ rows: [{ answer: 42 }] });
    expect(proxy.connections.length - before).toBe(1);
    // Nothing was lost: the control connection never noticed a thing.
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    held.release();
    await disconnected(actor);
  });

  it('gives up after its budget with the connect error, not ConnectionLost', async () => {
    const { actor, session, held } = await connectedWithPoolDrained();
    await proxy.setMode('refuse');
    const started = performance.now();
    await expect(
      runQuery(session, 'select 1', [], { acquireTimeoutMs: 600 }),
    ).rejects.toMatchObject({ kind: 'ConnectionFailed', code: 'ECONNREFUSED' });
    expect(performance.now() - started).toBeLessThan(1200);
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    await proxy.setMode('pass');
    held.release();
    await disconnected(actor);
  });
});
