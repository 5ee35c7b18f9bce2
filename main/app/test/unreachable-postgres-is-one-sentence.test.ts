import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { makeClosedClone } from '../../../test/harness/closed-clone.ts';
import { until } from '../../web/test/helpers.ts';
import { isRoot } from '../embedded-server.ts';
import { headlessEnv, output } from './helpers.ts';

// As root in a 0700 clone, with nowhere safe to copy PostgreSQL's programs to (here: a cache
// directory anyone may write to, which root must not run programs from), the demo cannot run.
test('where the demo server cannot run, the app says why in one sentence and serves without it', async () => {
  const clone = await makeClosedClone();
  onTestFinished(() => clone.dispose());
  const unsafe = await mkdtemp('/tmp/tusk-pg-cache-unsafe-');
  await chmod(unsafe, 0o777);
  onTestFinished(() => rm(unsafe, { recursive: true, force: true }));
  const dataDir = join(dirname(clone.dir), 'data');

  const web = spawn(
    'node_modules/.bin/tsx',
    ['main/cli/web.ts', '--no-open', '--data-dir', dataDir],
    { cwd: clone.dir, env: await headlessEnv(unsafe), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const printed = output(web);
  const exited = new Promise((resolve) => web.once('exit', resolve));
  onTestFinished(() => {
    web.kill('SIGKILL');
  });
  await until('the URL', () => /Tusk is running at /.test(printed.stdout()), 60_000).catch(
    (error) => {
      throw new Error(`${error.message}\n${printed.all()}`);
    },
  );
  const lines = printed.all().split('\n');
  const demoLine = lines.filter((line) => line.includes('demo database did not start'));
  if (isRoot) {
    expect(demoLine).toHaveLength(1);
    expect(demoLine[0]).toMatch(
      /^tusk: The demo database did not start, so there is none: PostgreSQL's programs in \S+ cannot be run by the postgres user .*; clone Tusk into a directory other users may enter/,
    );
    expect(demoLine[0]).toContain(`${unsafe}: it is not a directory that only root may write to`);
  } else {
    // As anyone else the programs run as that user, from the clone: nothing to fail.
    expect(demoLine).toEqual([]);
  }
  expect(printed.all()).not.toMatch(/\n\s+at /);

  web.kill('SIGINT');
  await exited;
  expect(printed.all()).toContain('quitting (SIGINT)');
});
