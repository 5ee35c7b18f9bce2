import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runScript } from '../../../test/harness/script-process.ts';

async function scratch() {
  const dir = await mkdtemp(join(tmpdir(), 'tusk-launcher-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('the launcher', () => {
  it('refuses a bad flag with one line naming it, the usage, and exit code 2', async () => {
    const start = runScript('main/cli/start.ts', ['--port', 'eighty', '--no-open']);
    expect(await start.exit(20_000)).toBe(2);
    const [first, second] = start.output().split('\n');
    expect(first).toBe('tusk: --port must be a whole number from 0 to 65535 (got "eighty")');
    expect(second).toMatch(/^usage: npm start -- \[--port N\]/);
    expect(start.output()).not.toMatch(/\n\s+at /);
  });

  it('runs Electron with the flags where its binary exists', async () => {
    const dist = await scratch();
    const argsFile = join(dist, 'args.json');
    // A stand-in for the binary these machines cannot download: it records how it was run.
    await writeFile(
      join(dist, 'electron'),
      `#!/bin/sh\nnode -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.argv.slice(2)))' ${argsFile} "$@"\n`,
    );
    await chmod(join(dist, 'electron'), 0o755);
    const start = runScript('main/cli/start.ts', ['--no-demo', '--port', '0'], {
      ...process.env,
      ELECTRON_OVERRIDE_DIST_PATH: dist,
    });
    expect(await start.exit(20_000)).toBe(0);
    expect(start.output()).not.toContain('Electron is not available');
    const args = JSON.parse(await readFile(argsFile, 'utf8'));
    expect(args).toEqual([
      expect.stringMatching(/main\/electron\/main\.ts$/),
      '--no-demo',
      '--port',
      '0',
    ]);
  });

  it('opens the URL with xdg-open where a desktop is, and not with --no-open', async () => {
    const bin = await scratch();
    const opened = join(bin, 'opened');
    // A stand-in for the desktop's opener: it records the URL it was given.
    await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> ${opened}\n`);
    await chmod(join(bin, 'xdg-open'), 0o755);
    const env = { ...process.env, DISPLAY: ':99', PATH: `${bin}:${process.env.PATH}` };
    const run = async (flags: string[]) => {
      const web = runScript(
        'main/cli/web.ts',
        ['--no-demo', '--data-dir', await scratch(), ...flags],
        env,
      );
      const printed = await web.waitFor(/Tusk is running at \S+\n/);
      web.child.kill('SIGINT');
      expect(await web.exit(20_000)).toBe(0);
      return /Tusk is running at (\S+)\n/.exec(printed)![1]!;
    };
    const url = await run([]);
    await expect.poll(() => readFile(opened, 'utf8').catch(() => '')).toBe(`${url}\n`);
    await run(['--no-open']);
    // The opener runs detached, after the URL line: give a wrong one time to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await readFile(opened, 'utf8')).toBe(`${url}\n`);
  });

  it('says in one sentence that a port is taken, and exits 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as net.AddressInfo;
    const web = runScript('main/cli/web.ts', [
      '--no-demo',
      '--no-open',
      '--port',
      String(port),
      '--data-dir',
      await scratch(),
    ]);
    expect(await web.exit(20_000)).toBe(1);
    expect(web.output()).toContain(
      `tusk: Port ${port} on 127.0.0.1 is in use; pick another with --port.\n`,
    );
    expect(web.output()).not.toMatch(/\n\s+at /);
  });
});
