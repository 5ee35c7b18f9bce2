import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../machines/connection-string.ts';
import { configFor, startService } from './helpers.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tusk-home-'));
  await writeFile(
    join(home, '.pg_service.conf'),
    '[prod]\nhost=db1.example,db2.example\nport=5432,5433\ndbname=app\nuser=deploy\n' +
      'password=svc-secret\ntarget_session_attrs=read-write\n[dev]\nhost=/var/run/postgresql\n',
  );
});
afterAll(() => rm(home, { recursive: true, force: true }));
const pgFiles = (env: NodeJS.ProcessEnv = {}) => ({
  env: { USER: 'tester', PGSYSCONFDIR: join(home, 'none'), ...env },
  home,
});

describe('the import commands', () => {
  it('parse_connection_string resolves service= and hands the password back apart', async () => {
    const { service } = await startService({ pgFiles: pgFiles() });
    const parsed = await service.parseConnectionString('service=prod dbname=other');
    expect(parsed).toStrictEqual({
      config: {
        host: 'db1.example',
        port: 5432,
        hosts: [
          { host: 'db1.example', port: 5432 },
          { host: 'db2.example', port: 5433 },
        ],
        database: 'other',
        username: 'deploy',
        options: { targetSessionAttrs: 'read-write' },
      },
      password: 'svc-secret',
      serviceFile: join(home, '.pg_service.conf'),
    });
  });

  it('import_service_file saves each service in a group, the password in the keyring', async () => {
    const { service, credentials } = await startService({ pgFiles: pgFiles() });
    const result = await service.importServiceFile();
    expect(result.skipped).toEqual([]);
    const groups = await service.listGroups();
    expect(groups.map((g) => g.name)).toEqual(['.pg_service.conf']);
    const saved = (await service.listConnections()).map((c) => c.config);
    expect(saved.map((c) => [c.name, c.groupId])).toEqual([
      ['prod', groups[0]!.id],
      ['dev', groups[0]!.id],
    ]);
    const prod = saved[0]!;
    expect(prod.passwordInKeyring).toBe(true);
    expect(await credentials.getPassword(prod.id)).toBe('svc-secret');
    expect(JSON.stringify(saved)).not.toContain('svc-secret');
  });

  it('import_from_env saves the PG* connection, PGPASSWORD in the keyring only', async () => {
    const env = { PGHOST: 'env.example', PGUSER: 'u', PGPASSWORD: 'env-secret', PGPORT: '6000' };
    const { service, credentials } = await startService({ pgFiles: pgFiles(env) });
    const { connections } = await service.importFromEnv();
    expect(connections[0]).toMatchObject({ name: 'u@env.example/u', port: 6000 });
    expect(await credentials.getPassword(connections[0]!.id)).toBe('env-secret');
  });

  it('export_connection_url gives a URL without the password that parses back', async () => {
    const { service } = await startService({ pgFiles: pgFiles() });
    const config = configFor(
      { host: 'db1', port: 5432, user: 'me', database: 'app' },
      {
        passwordInKeyring: true,
        hosts: [
          { host: 'db1', port: 5432 },
          { host: '::1', port: 6432 },
        ],
        options: { targetSessionAttrs: 'primary', readonly: true },
      },
    );
    await service.saveConnection(config, 'kept-secret');
    const { url } = await service.exportConnectionUrl(config.id);
    expect(url).not.toContain('kept-secret');
    expect(url).toMatch(/^postgresql:\/\/me@db1,\[::1\]:6432\/app\?/);
    expect(parseConnectionString(url).config).toMatchObject({
      hosts: config.hosts,
      options: { targetSessionAttrs: 'primary', readonly: true },
    });
  });
});
