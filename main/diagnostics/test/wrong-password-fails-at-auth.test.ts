import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

test('a wrong password fails at auth with AuthFailed, a hint, and no trace of the password', async () => {
  const config = configFor(server);
  const checkLeaks = await watchLeaks(server, config.options.applicationName);
  const wrong = 'not-the-password-7f3a9c';

  const result = await runConnectionTest(config, wrong);

  await checkLeaks();
  expect(result.success).toBe(false);
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', true],
    ['auth', false],
  ]);
  expect(result.stages[3]).toMatchObject({
    error: { kind: 'AuthFailed', code: '28P01' },
    hint: `Wrong password for user ${server.user}, or the keyring holds an old one`,
  });
  expect(JSON.stringify(result)).not.toContain(wrong);
  expect(JSON.stringify(result)).not.toContain(server.password);
});
