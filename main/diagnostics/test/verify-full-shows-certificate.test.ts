import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

test('verify-full with the harness CA, by the name in the certificate, reports protocol and subject', async () => {
  const config = configFor(server, {
    host: 'localhost',
    sslMode: 'verify-full',
    sslCaCert: server.caFile,
  });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ backendsGoneWithinMs: 0 });
  expect(result.success).toBe(true);
  expect(result.stages.map((s) => s.ok)).toEqual([true, true, true, true, true]);
  expect(result.stages[0]?.detail).toContain('127.0.0.1');
  const tls = result.stages[2]?.detail ?? '';
  expect(tls).toMatch(/^TLSv1\.[23], \S+; /);
  expect(tls).toContain('certificate CN=localhost issued by CN=tusk-test-ca, valid until 20');
  expect(tls).toMatch(/; verified \(verify-full\)$/);
});
