import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, forwarderOn, watchLeaks } from './helpers.ts';

const server = sharedServer();

// The harness certificate names localhost and 127.0.0.1; 127.0.0.2 reaches the same server.
test('verify-full by an address the certificate does not name fails at tls, naming the right ones', async () => {
  const other = await forwarderOn('127.0.0.2', server);
  const config = configFor(server, {
    host: other.host,
    port: other.port,
    sslMode: 'verify-full',
    sslCaCert: server.caFile,
  });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ proxy: other });
  expect(result.success).toBe(false);
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', false],
  ]);
  const tls = result.stages[2];
  expect(tls?.error).toMatchObject({
    kind: 'ConnectionFailed',
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  });
  expect(tls?.hint).toBe(
    "The server's certificate does not match the host name 127.0.0.2; use verify-ca or connect by the name in the certificate: localhost, 127.0.0.1",
  );
});

test('verify-ca accepts the same certificate by the same address, as the hint says', async () => {
  const other = await forwarderOn('127.0.0.2', server);
  const config = configFor(server, {
    host: other.host,
    port: other.port,
    sslMode: 'verify-ca',
    sslCaCert: server.caFile,
  });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ proxy: other, backendsGoneWithinMs: 0 });
  expect(result.success).toBe(true);
  expect(result.stages[2]?.detail).toMatch(
    /; signed by the CA; host name not checked \(verify-ca\)$/,
  );
});
