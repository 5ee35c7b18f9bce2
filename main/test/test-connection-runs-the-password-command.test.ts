import { expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('cmd_user');
await server.createRole(role, 'token-for-the-test');

it('test_connection runs the password command and its auth stage says where the password came from', async () => {
  const { service } = await startService();
  process.env.TUSK_TEST_CMD_TOKEN = 'token-for-the-test';
  const config = configFor(
    { ...server, user: role },
    {
      passwordCommand: {
        argv: [process.execPath, '-e', 'process.stdout.write(process.env.TUSK_TEST_CMD_TOKEN)'],
      },
    },
  );
  const result = await service.testConnection(config);
  expect(result.success).toBe(true);
  const auth = result.stages.find((s) => s.name === 'auth');
  expect(auth?.detail).toContain('password printed by the password command');
  expect(auth?.detail).toMatch(/authentication: SCRAM-SHA-256/);
  expect(JSON.stringify(result)).not.toContain('token-for-the-test');
});
