import { describe, expect, it } from 'vitest';
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

/** Samples the connection's backend count until `stop()`; returns every sample. */
function sampleBackends(applicationName: string) {
  const samples: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      samples.push((await server.backends({ applicationName })).length);
      await delay(15);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return samples;
    },
  };
}

describe('pool size', () => {
  it('never holds more than poolMax backends under 40 concurrent slow queries', async () => {
    const config = configFor(server, { options: { poolMax: 4 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    const sampler = sampleBackends(config.options.applicationName);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        runQuery(session, 'select pg_sleep(0.05), $1::int as i', [i]),
      ),
    );
    const samples = await sampler.stop();

    expect(results.map((r) => r.rows[0]?.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(samples.length).toBeGreaterThan(5);
    // The control client plus three pooled ones: reached, never exceeded.
    expect(Math.max(...samples)).toBe(4);
    await disconnected(actor);
  });

  it('with poolMax 1 uses a single backend for queries, settings and pings', async () => {
    const config = configFor(server, { options: { poolMax: 1, keepaliveIntervalSec: 1 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    const sampler = sampleBackends(config.options.applicationName);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => runQuery(session, 'select pg_backend_pid() as pid')),
    );
    // A query holding the only client: the ping is skipped instead of queueing behind it.
    const slow = runQuery(session, 'select pg_sleep(1.3)');
    await delay(1200);
    const samples = await sampler.stop();
    await slow;

    expect(new Set(results.map((r) => r.rows[0]?.pid)).size).toBe(1);
    expect(Math.max(...samples)).toBe(1);
    expect(actor.getSnapshot().value).toEqual({ connected: 'idle' });
    // Skipped pings are not counted; once the query is done a real one goes through.
    await expect
      .poll(() => actor.getSnapshot().context.keepalive.pings, { timeout: 3_000 })
      .toBeGreaterThanOrEqual(1);
    await disconnected(actor);
  });
});
