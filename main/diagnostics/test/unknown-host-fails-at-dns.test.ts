import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

// .invalid is reserved (RFC 6761): no resolver may ever answer it.
test('a host name that does not resolve fails at dns, and nothing else is tried', async () => {
  const host = `${uniqueName('tusk').replace('_', '-')}.invalid`;
  const config = configFor(server, { host });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks();
  expect(result.success).toBe(false);
  expect(result.stages).toHaveLength(1);
  expect(result.stages[0]).toMatchObject({
    name: 'dns',
    ok: false,
    error: { kind: 'ConnectionFailed', code: 'ENOTFOUND' },
    hint: `Check the host name "${host}"; it does not resolve from this machine`,
  });
  expect(result.latencyMs).toBeGreaterThanOrEqual(result.stages[0]?.ms ?? 0);
});
