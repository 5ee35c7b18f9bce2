import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

test('a port nothing listens on fails at tcp with ECONNREFUSED and says what to check', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  await proxy.setMode('refuse');
  const config = configFor(server, { host: proxy.host, port: proxy.port });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ proxy });
  expect(result.success).toBe(false);
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', false],
  ]);
  expect(result.stages[1]).toMatchObject({
    error: { kind: 'ConnectionFailed', code: 'ECONNREFUSED' },
    hint: `Nothing listens on 127.0.0.1:${proxy.port} — is PostgreSQL running, and are \`listen_addresses\` and the port right?`,
  });
});
