import { afterAll, expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { makeTlsFixtures, type TlsFixtures } from '../../../test/harness/tls.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();
let otherCa: TlsFixtures | undefined;
afterAll(() => otherCa?.dispose());

test('a CA that did not sign the server certificate fails at tls and says which file to fix', async () => {
  otherCa = await makeTlsFixtures();
  const config = configFor(server, {
    host: 'localhost',
    sslMode: 'verify-full',
    sslCaCert: otherCa.caFile,
  });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks();
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', false],
  ]);
  expect(result.stages[2]).toMatchObject({
    error: { kind: 'ConnectionFailed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    hint: `The server's certificate is not signed by the CA in ${otherCa.caFile}; point sslCaCert at the CA that issued it`,
  });
});
