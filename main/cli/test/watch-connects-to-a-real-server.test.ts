import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../../../test/harness/pg-admin.ts';
import { runScript } from '../../../test/harness/script-process.ts';

const pg = inject('pg');

/** The environment without any PG* variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PG')),
  );
  return { ...env, ...extra };
}

describe('npm run watch', () => {
  it('connects to the URL it is given, never prints the password, and exits on q', async () => {
    const app = uniqueName('watch');
    const url =
      `postgres://${pg.user}:${encodeURIComponent(pg.password)}@${pg.host}:${pg.port}/` +
      `${pg.database}?sslmode=disable&application_name=${app}`;
    const watch = runScript('main/cli/watch.ts', [url], cleanEnv());
    await watch.waitFor(/\sconnected\.idle/);
    expect(watch.output()).toContain(`watching postgres://${pg.user}:****@${pg.host}:${pg.port}/`);
    expect(watch.output()).toMatch(/commands \(one letter per line on stdin\): d disconnect/);

    watch.send('q');
    expect(await watch.exit(10_000)).toBe(0);
    expect(watch.output()).not.toContain(pg.password);
  });

  it('reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and PGSSLMODE without a URL', async () => {
    const watch = runScript(
      'main/cli/watch.ts',
      [],
      cleanEnv({
        PGHOST: pg.host,
        PGPORT: String(pg.port),
        PGUSER: pg.user,
        PGPASSWORD: pg.password,
        PGDATABASE: pg.database,
        PGSSLMODE: 'require',
        PGAPPNAME: uniqueName('watch'),
      }),
    );
    await watch.waitFor(/\sconnected\.idle/);
    expect(watch.output()).toContain(`:****@${pg.host}:${pg.port}/${pg.database}?sslmode=require`);
    watch.send('q');
    expect(await watch.exit(10_000)).toBe(0);
    expect(watch.output()).not.toContain(pg.password);
  });

  it.each([
    ['postgres://bob:topsecret@127.0.0.1:99999/db', /Invalid connection URL: .*is not a URL/],
    ['mysql://bob:topsecret@127.0.0.1/db', /must start with postgres:\/\//],
    [
      'postgres://bob:topsecret@127.0.0.1/db?sslmode=sometimes',
      /Invalid connection config: sslMode/,
    ],
    ['postgres://bob:topsecret@127.0.0.1/db?color=red', /unsupported parameter "color"/],
  ])('refuses %s with exit code 2 and the InvalidInput message', async (url, message) => {
    const watch = runScript('main/cli/watch.ts', [url], cleanEnv());
    expect(await watch.exit(20_000)).toBe(2);
    expect(watch.output()).toMatch(message);
    expect(watch.output()).not.toContain('topsecret');
  });
});
