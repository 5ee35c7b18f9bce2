import { describe, expect, it } from 'vitest';
import { lookupPgpass, matchPgpass, parsePgpass } from '../pgpass.ts';
import { tempHome } from './helpers.ts';

const target = { host: 'db.example', port: 5432, database: 'app', user: 'alice' };

describe('parsing and matching, as libpq does', () => {
  it('takes the first matching line, with * matching anything', () => {
    const entries = parsePgpass(
      [
        '# a comment line is skipped',
        'other.example:5432:app:alice:not-this-host',
        'db.example:5432:app:bob:not-this-user',
        'db.example:*:app:alice:first',
        '*:*:*:*:catch-all',
      ].join('\n'),
    );
    expect(matchPgpass(entries, target)).toBe('first');
    expect(matchPgpass(entries, { ...target, user: 'carol' })).toBe('catch-all');
  });

  it('reads \\: and \\\\ as literal characters, in patterns and in the password', () => {
    const entries = parsePgpass('db.example:5432:my\\:db:alice:pa\\:ss\\\\word\\\r\n');
    expect(matchPgpass(entries, { ...target, database: 'my:db' })).toBe('pa:ss\\word');
    expect(matchPgpass(entries, target)).toBeUndefined();
  });

  it('treats an escaped \\* as a literal star, not a wildcard', () => {
    const entries = parsePgpass('db.example:5432:\\*:alice:star');
    expect(matchPgpass(entries, target)).toBeUndefined();
    expect(matchPgpass(entries, { ...target, database: '*' })).toBe('star');
  });

  it('matches a Unix-socket host with a localhost line, and never a short line', () => {
    const entries = parsePgpass('db.example:5432:app\nlocalhost:5433:app:alice:local');
    expect(matchPgpass(entries, { ...target, host: '/var/run/postgresql', port: 5433 })).toBe(
      'local',
    );
    expect(matchPgpass(entries, { ...target, host: 'localhost', port: 5433 })).toBe('local');
    expect(matchPgpass(entries, target)).toBeUndefined();
  });
});

describe('the password file in a home directory', () => {
  it('is ~/.pgpass, or PGPASSFILE', async () => {
    const home = await tempHome();
    await home.write('.pgpass', 'db.example:5432:app:alice:from-home\n');
    expect(await lookupPgpass(home, [target])).toMatchObject({ password: 'from-home' });
    const other = await home.write('elsewhere', 'db.example:5432:app:alice:from-env\n');
    const withEnv = { ...home, env: { PGPASSFILE: other } };
    expect(await lookupPgpass(withEnv, [target])).toEqual({ file: other, password: 'from-env' });
  });

  it('is ignored, with a warning and no password, when group or others may read it', async () => {
    const home = await tempHome();
    await home.write('.pgpass', 'db.example:5432:app:alice:secret\n', 0o640);
    const lookup = await lookupPgpass(home, [target]);
    expect(lookup.password).toBeUndefined();
    expect(lookup.warning).toMatch(/group or world access \(mode 0640\).*0600/);
    expect(lookup.warning).not.toContain('secret');
  });

  it('is silently absent when there is none, and tries each host of a list in order', async () => {
    const home = await tempHome();
    expect(await lookupPgpass(home, [target])).toEqual({ file: `${home.home}/.pgpass` });
    await home.write('.pgpass', 'standby.example:5433:app:alice:second\n');
    const hosts = [target, { ...target, host: 'standby.example', port: 5433 }];
    expect((await lookupPgpass(home, hosts)).password).toBe('second');
  });
});
