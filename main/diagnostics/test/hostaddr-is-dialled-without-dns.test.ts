import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor } from './helpers.ts';

const server = sharedServer();

test('with hostaddr the test dials the address (host resolves nowhere) and passes every stage', async () => {
  const config = configFor(server, {
    host: 'db.tusk.invalid',
    hostaddr: '127.0.0.1',
    sslMode: 'verify-ca',
    sslCaCert: server.caFile,
  });
  const result = await runConnectionTest(config, server.password);
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', true],
    ['auth', true],
    ['server', true],
  ]);
});
