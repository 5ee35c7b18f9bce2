import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TuskError } from '../../../machines/errors.ts';
import { resolveParameters } from '../resolve.ts';
import { parseServiceFile, resolveService } from '../service-file.ts';
import { tempHome } from './helpers.ts';

const FILE = `
# Production, behind two hosts
[prod]
host=db1.example,db2.example
port=5432,5433
  dbname = app
user=deploy
target_session_attrs=read-write

[local]
host=/var/run/postgresql
dbname=dev
`;

describe('parsing a service file', () => {
  it('reads sections and key=value lines, trimming and skipping comments', () => {
    expect(parseServiceFile(FILE, 'f')).toStrictEqual([
      {
        name: 'prod',
        parameters: [
          ['host', 'db1.example,db2.example'],
          ['port', '5432,5433'],
          ['dbname', 'app'],
          ['user', 'deploy'],
          ['target_session_attrs', 'read-write'],
        ],
      },
      {
        name: 'local',
        parameters: [
          ['host', '/var/run/postgresql'],
          ['dbname', 'dev'],
        ],
      },
    ]);
  });

  it.each([
    ['host=a\n[x]', /line 1: a setting before the first \[service\]/],
    ['[x]\nhost', /line 2: not a key=value line/],
    ['[x]\nservice=y', /nested service specifications not supported/],
    ['[x', /no closing/],
  ])('refuses %j with the line', (text, message) => {
    expect(() => parseServiceFile(text, '/etc/pg_service.conf')).toThrow(message);
  });
});

describe('finding a service', () => {
  it('looks in PGSERVICEFILE or ~/.pg_service.conf first, then PGSYSCONFDIR', async () => {
    const home = await tempHome();
    await home.write('.pg_service.conf', '[a]\ndbname=from-home\n');
    await home.write('pg_service.conf', '[a]\ndbname=system\n[b]\ndbname=system-b\n');
    const context = { ...home, env: { PGSYSCONFDIR: home.home } };
    expect((await resolveService('a', context)).parameters).toEqual([['dbname', 'from-home']]);
    expect(await resolveService('b', context)).toEqual({
      parameters: [['dbname', 'system-b']],
      path: join(home.home, 'pg_service.conf'),
    });
    const mine = await home.write('mine.conf', '[a]\ndbname=mine\n');
    const withFile = { ...home, env: { PGSERVICEFILE: mine, PGSYSCONFDIR: home.home } };
    expect((await resolveService('a', withFile)).parameters).toEqual([['dbname', 'mine']]);
  });

  it('names the service and the files when none defines it', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    const error = await resolveService('nope', home).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TuskError);
    expect((error as TuskError).message).toMatch(/service "nope" not found.*\.pg_service\.conf/);
  });

  it('lets the connection string win over the service, and the service over PG*', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent', PGUSER: 'env-user', PGPORT: '7' });
    await home.write('.pg_service.conf', FILE);
    const resolved = await resolveParameters(
      [
        ['service', 'prod'],
        ['dbname', 'override'],
      ],
      home,
      { env: true },
    );
    expect(resolved.config).toMatchObject({
      database: 'override',
      username: 'deploy',
      hosts: [
        { host: 'db1.example', port: 5432 },
        { host: 'db2.example', port: 5433 },
      ],
      options: { targetSessionAttrs: 'read-write' },
    });
    expect(resolved.service).toBeUndefined();
    expect(resolved.serviceFile).toBe(join(home.home, '.pg_service.conf'));
  });
});
