import { describe, expect, it } from 'vitest';
import { cliTarget } from '../cli-target.ts';
import { osUser } from '../locations.ts';
import { tempHome } from './helpers.ts';

describe('what npm run watch connects to', () => {
  it('takes the string first, then its service, then PG*, then libpq defaults', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent', PGPORT: '6000', PGUSER: 'env' });
    await home.write('.pg_service.conf', '[s]\nhost=svc.example\ndbname=svcdb\n');
    const target = await cliTarget('service=s dbname=mine connect_timeout=3', home, {
      connectTimeoutSec: 5,
      keepaliveIntervalSec: 2,
    });
    expect(target.config).toMatchObject({
      host: 'svc.example',
      port: 6000,
      username: 'env',
      database: 'mine',
      passwordInKeyring: false,
      options: { connectTimeoutSec: 3, keepaliveIntervalSec: 2, applicationName: 'tusk-watch' },
    });
    expect(target.password).toBeUndefined();
  });

  it('keeps the password apart, masks it in the display, and defaults like libpq', async () => {
    const home = await tempHome({ PGSYSCONFDIR: '/nonexistent' });
    const target = await cliTarget('postgresql://[::1]:5433,%2Ftmp:5434/?password=pw', home);
    expect(target.password).toBe('pw');
    const me = osUser(home.env);
    expect(target.display).toBe(
      `postgres://${me}:****@[::1]:5433,%2Ftmp:5434/${me}?sslmode=prefer`,
    );
    expect(JSON.stringify(target.config)).not.toContain('pw"');
    const bare = await cliTarget(undefined, home);
    expect(bare.config).toMatchObject({
      host: 'localhost',
      port: 5432,
      username: me,
      database: me,
    });
  });

  it('refuses a URL of another scheme by name', async () => {
    const home = await tempHome();
    await expect(cliTarget('mysql://a/b', home)).rejects.toMatchObject({
      kind: 'InvalidInput',
      message: expect.stringMatching(/mysql: URL; it must start with postgres:\/\//),
    });
  });
});
