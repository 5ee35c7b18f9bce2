import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor } from './helpers.ts';

const server = sharedServer();
const authDetail = async (patch: Parameters<typeof configFor>[1]) => {
  const result = await runConnectionTest(configFor(server, patch), server.password);
  expect(result.success).toBe(true);
  return result.stages.find((s) => s.name === 'auth')?.detail ?? '';
};

test('over TLS the auth stage says SCRAM with channel binding', async () => {
  const detail = await authDetail({
    host: 'localhost',
    sslMode: 'verify-full',
    sslCaCert: server.caFile,
  });
  expect(detail).toContain('authentication: SCRAM-SHA-256-PLUS, with channel binding');
});

test('with channel binding off, or in plain text, it says SCRAM without it', async () => {
  const off = await authDetail({ sslMode: 'require', channelBinding: 'disable' });
  expect(off).toContain('authentication: SCRAM-SHA-256, without channel binding');
  const plain = await authDetail({ sslMode: 'disable' });
  expect(plain).toContain('authentication: SCRAM-SHA-256, without channel binding');
});
