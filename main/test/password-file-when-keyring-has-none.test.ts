import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('pgpass_user');
const password = `pf-${randomUUID()}`;
let home: string;
const pgFiles = () => ({ env: {}, home });

beforeAll(async () => {
  await server.createRole(role, password);
  home = await mkdtemp(join(tmpdir(), 'tusk-home-'));
  // A wildcard database, and a line for another user first: the first match wins.
  await writeFile(
    join(home, '.pgpass'),
    `127.0.0.1:${server.port}:*:someone_else:wrong\n127.0.0.1:${server.port}:*:${role}:${password.replaceAll(':', '\\:')}\n`,
  );
  await chmod(join(home, '.pgpass'), 0o600);
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('~/.pgpass', () => {
  it('gives the password when the config keeps none, and test_connection says so', async () => {
    const { service } = await startService({ pgFiles: pgFiles() });
    const config = configFor({ ...server, user: role });
    const info = await service.connect(config);
    expect(info).toMatchObject({ currentUser: role, host: '127.0.0.1', port: server.port });
    const test = await service.testConnection(config);
    expect(test.success).toBe(true);
    expect(test.passwordSource).toBe('pgpass');
    expect(test.stages.find((s) => s.name === 'auth')?.detail).toContain(join(home, '.pgpass'));
    expect(JSON.stringify(test)).not.toContain(password);
  });

  it('is read when the keyring has no password for a passwordInKeyring config', async () => {
    const { service } = await startService({ pgFiles: pgFiles() });
    const config = configFor({ ...server, user: role }, { passwordInKeyring: true });
    await expect(service.connect(config)).resolves.toMatchObject({ currentUser: role });
  });

  it('is ignored, and the failed login says why, when others may read it', async () => {
    await chmod(join(home, '.pgpass'), 0o644);
    try {
      const { service } = await startService({ pgFiles: pgFiles() });
      const test = await service.testConnection(configFor({ ...server, user: role }));
      expect(test.success).toBe(false);
      expect(test.passwordSource).toBe('none');
      const auth = test.stages.find((s) => s.name === 'auth');
      expect(auth?.ok).toBe(false);
      expect(auth?.hint).toMatch(/group or world access \(mode 0644\)/);
    } finally {
      await chmod(join(home, '.pgpass'), 0o600);
    }
  });
});
