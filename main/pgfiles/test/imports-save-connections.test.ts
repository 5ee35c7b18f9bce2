import { describe, expect, it } from 'vitest';
import { importEnvironment, importServiceFiles } from '../import.ts';
import { memorySink, tempHome } from './helpers.ts';

describe('importing a service file', () => {
  it('saves every service, named after it, in a group named after the file', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    await home.write(
      '.pg_service.conf',
      '[prod]\nhost=db1,db2\nport=5432,5433\ndbname=app\nuser=deploy\npassword=s3cret\n' +
        '[broken]\nhost=x\nkeepalives_idle=soon\n[local]\nhost=/var/run/postgresql\n',
    );
    const { sink, connections, passwords, groups } = memorySink();
    const result = await importServiceFiles(sink, home);
    expect(groups.map((g) => g.name)).toEqual(['.pg_service.conf']);
    expect(result.connections.map((c) => c.name)).toEqual(['prod', 'local']);
    const [prod, local] = result.connections;
    expect(prod).toMatchObject({
      host: 'db1',
      hosts: [
        { host: 'db1', port: 5432 },
        { host: 'db2', port: 5433 },
      ],
      database: 'app',
      username: 'deploy',
      passwordInKeyring: true,
      groupId: groups[0]!.id,
    });
    expect(JSON.stringify([...connections.values()])).not.toContain('s3cret');
    expect(passwords.get(prod!.id)).toBe('s3cret');
    expect(local).toMatchObject({ host: '/var/run/postgresql', passwordInKeyring: false });
    expect(result.skipped).toEqual([
      { name: 'broken', error: expect.objectContaining({ field: 'keepalives_idle' }) },
    ]);
  });

  it('updates the same connections when run again', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    const path = await home.write('services.conf', '[a]\nhost=h\ndbname=one\n');
    const { sink, connections, groups } = memorySink();
    const first = await importServiceFiles(sink, home, path);
    await home.write('services.conf', '[a]\nhost=h\ndbname=two\n');
    const second = await importServiceFiles(sink, home, path);
    expect(second.connections[0]!.id).toBe(first.connections[0]!.id);
    expect([...connections.values()].map((c) => c.database)).toEqual(['two']);
    expect(groups).toHaveLength(1);
  });

  it('refuses a named file that does not exist, and skips libpq’s absent ones', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    const { sink } = memorySink();
    await expect(importServiceFiles(sink, home, `${home.home}/nope.conf`)).rejects.toMatchObject({
      kind: 'InvalidInput',
      field: 'path',
    });
    expect(await importServiceFiles(sink, home)).toEqual({
      connections: [],
      groups: [],
      skipped: [],
    });
  });
});

describe('importing the PG* environment', () => {
  it('makes one connection, PGPASSWORD for the keyring only', async () => {
    const home = await tempHome({
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGDATABASE: 'app',
      PGUSER: 'alice',
      PGPASSWORD: 'from-env',
      PGSSLMODE: 'require',
      PGAPPNAME: 'psql-like',
      PGCONNECT_TIMEOUT: '7',
      PGTARGETSESSIONATTRS: 'primary',
      PGLOADBALANCEHOSTS: 'random',
      PGOPTIONS: '-c statement_timeout=1min',
    });
    const { sink, passwords } = memorySink();
    const { connections } = await importEnvironment(sink, home);
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({
      name: 'alice@db.example/app',
      host: 'db.example',
      port: 6543,
      sslMode: 'require',
      passwordInKeyring: true,
      options: {
        applicationName: 'psql-like',
        connectTimeoutSec: 7,
        targetSessionAttrs: 'primary',
        loadBalanceHosts: 'random',
        statementTimeoutMs: 60_000,
      },
    });
    expect(JSON.stringify(connections)).not.toContain('from-env');
    expect(passwords.get(connections[0]!.id)).toBe('from-env');
  });

  it('follows PGSERVICE, and refuses a PG* variable it cannot honour by name', async () => {
    const home = await tempHome({ PGSERVICE: 'x', PGSYSCONFDIR: '/nonexistent' });
    await home.write('.pg_service.conf', '[x]\nhost=svc.example\nuser=u\n');
    const { sink } = memorySink();
    const { connections } = await importEnvironment(sink, home);
    expect(connections[0]).toMatchObject({ host: 'svc.example', username: 'u', database: 'u' });
    const bad = await tempHome({ PGHOST: 'a', PGREQUIREPEER: 'postgres' });
    await expect(importEnvironment(memorySink().sink, bad)).rejects.toMatchObject({
      kind: 'InvalidInput',
      field: 'PGREQUIREPEER',
    });
  });
});
