import { expect, test } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

test('a database that does not exist fails at auth with 3D000 and names it', async () => {
  const database = uniqueName('missing');
  const config = configFor(server, { database });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks();
  expect(result.success).toBe(false);
  expect(result.stages.map((s) => s.name)).toEqual(['dns', 'tcp', 'tls', 'auth']);
  expect(result.stages[3]).toMatchObject({
    ok: false,
    error: { kind: 'ConnectionFailed', code: '3D000' },
    hint: `Database ${database} does not exist on 127.0.0.1:${server.port}; check the name (case matters) or create it`,
  });
});
