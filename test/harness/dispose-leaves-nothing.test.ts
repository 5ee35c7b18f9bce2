import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test } from 'vitest';
import { startPostgres } from './postgres.ts';

test('dispose() stops the postmaster and removes the server directory; twice is harmless', async () => {
  const server = await startPostgres();
  const pid = Number(readFileSync(`${server.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  await server.admin().query('select 1');

  await server.dispose();
  await server.dispose();

  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  expect(existsSync(dirname(server.dataDir))).toBe(false);
  await expect(server.start()).rejects.toThrow(/disposed/);
});
