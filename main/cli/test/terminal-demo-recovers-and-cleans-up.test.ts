import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { processesMentioning, runScript } from '../../../test/harness/script-process.ts';

// State lines print the full path: ` connected.idle`, ` reconnecting.closing`. The leading
// space keeps `disconnected.` from counting as `connected.`.
const connected = /\sconnected\.idle/;
const reconnecting = /\sreconnecting\./;
// The demo's timings: keepaliveIntervalSec 2, connectTimeoutSec 2.
const KEEPALIVE_PLUS_TIMEOUT_MS = 4_000;
// Slow, shared CI machines: room for start-up and scheduling, not for a behaviour change.
const SLACK_MS = 4_000;

it('npm run demo shows recovery from terminate and blackhole, and leaves nothing on q', async () => {
  const demo = runScript('main/cli/demo.ts');
  const started = await demo.waitFor(connected, { ms: 60_000 });
  const dir = /^data: (\S+) \(removed at exit\)$/m.exec(started)?.[1];
  expect(dir, 'the demo prints its data directory').toBeDefined();
  expect(existsSync(dir!)).toBe(true);

  let from = demo.mark();
  demo.send('t');
  await demo.waitFor(/pg_terminate_backend: [1-9]\d* backend/, { from });
  await demo.waitFor(reconnecting, { from });
  await demo.waitFor(/57P01/, { from });
  from = demo.mark();
  await demo.waitFor(connected, { from, ms: 10_000 });

  from = demo.mark();
  demo.send('b');
  const blackholed = performance.now();
  await demo.waitFor(reconnecting, { from, ms: KEEPALIVE_PLUS_TIMEOUT_MS + SLACK_MS });
  expect(performance.now() - blackholed).toBeLessThan(KEEPALIVE_PLUS_TIMEOUT_MS + SLACK_MS);
  // Silence is noticed by the keepalive's deadline (its line may come in the next chunk).
  await demo.waitFor(/ConnectionLost: The keepalive ping did not finish within 2 s/, { from });

  from = demo.mark();
  demo.send('b');
  await demo.waitFor(/proxy passes bytes again/, { from });
  // The attempt under way times out (2 s), then a short backoff: a few seconds.
  await demo.waitFor(connected, { from, ms: 20_000 });

  demo.send('q');
  expect(await demo.exit(10_000)).toBe(0);
  expect(demo.output()).toMatch(/quitting \(q\)/);
  expect(demo.output()).toMatch(/\sdisconnected\.closed/);
  expect(existsSync(dir!)).toBe(false);
  // The harness's reapers (sh, naming the directory) end as soon as the demo has exited.
  await expect.poll(() => processesMentioning(dir!), { timeout: 3_000 }).toEqual([]);
});
