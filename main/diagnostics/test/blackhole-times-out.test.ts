import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

async function blackholed(sslMode: 'require' | 'disable') {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  await proxy.setMode('blackhole');
  return configFor(
    server,
    { host: proxy.host, port: proxy.port, sslMode },
    { connectTimeoutSec: 1 },
  );
}

test('a silent network fails the TLS request with a timeout after connectTimeoutSec', async () => {
  const config = await blackholed('require');
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ proxy });
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', false],
  ]);
  const tls = result.stages[2]!;
  expect(tls.error).toMatchObject({ kind: 'ConnectionTimeout', code: 'ETIMEDOUT' });
  expect(tls.hint).toContain('did not answer the TLS request within 1 s');
  expect(tls.ms).toBeGreaterThanOrEqual(990);
  expect(tls.ms).toBeLessThan(1500);
  expect(result.latencyMs).toBeLessThan(1500);
});

test('without TLS, a silent network fails the login with a timeout after connectTimeoutSec', async () => {
  const config = await blackholed('disable');
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ proxy });
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', true],
    ['auth', false],
  ]);
  const auth = result.stages[3]!;
  expect(auth.error).toMatchObject({ kind: 'ConnectionTimeout' });
  expect(auth.hint).toContain('did not finish logging in within 1 s');
  expect(auth.ms).toBeGreaterThanOrEqual(990);
  expect(auth.ms).toBeLessThan(1500);
  expect(result.latencyMs).toBeLessThan(1500);
});
