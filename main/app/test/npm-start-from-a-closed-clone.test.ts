import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { chmod, mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import type { ConnectionStatusEvent } from '../../../machines/manager.machine.ts';
import { makeClosedClone } from '../../../test/harness/closed-clone.ts';
import { rawClient, until } from '../../web/test/helpers.ts';
import { headlessEnv, listeningPorts, output, processesIn } from './helpers.ts';

test('npm start from a clone in a 0700 directory, without a Secret Service: the demo connects, recovers from a fault, and Ctrl-C leaves nothing', async () => {
  // The renderer build is copied when there is one: npm start would otherwise build it first
  // (vite, many seconds on a shared machine), which is not what this test is about.
  const clone = await makeClosedClone({ alsoCopy: ['dist/renderer'] });
  onTestFinished(() => clone.dispose());
  const cache = await mkdtemp('/tmp/tusk-pg-cache-test-');
  await chmod(cache, 0o755);
  onTestFinished(() => rm(cache, { recursive: true, force: true }));
  const dataDir = join(dirname(clone.dir), 'data');
  onTestFinished(async () => {
    const cluster = await realpath(join(dataDir, 'demo-pg')).catch(() => undefined);
    if (cluster) await rm(cluster, { recursive: true, force: true });
  });

  // Its own process group, as a terminal runs it, so that SIGINT reaches it as Ctrl-C does.
  const app = spawn('npm', ['start', '--', '--no-open', '--data-dir', dataDir], {
    cwd: clone.dir,
    env: await headlessEnv(cache),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const printed = output(app);
  const exited = new Promise<string>((resolve) =>
    app.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  onTestFinished(() => {
    if (app.exitCode === null && app.signalCode === null) process.kill(-app.pid!, 'SIGKILL');
  });

  // Without a renderer build to copy, npm start runs `npm run build` first: vite, a while.
  await until('the URL', () => /Tusk is running at \S+/.test(printed.stdout()), 150_000).catch(
    (error) => {
      throw new Error(`${error.message}\n${printed.all()}`);
    },
  );
  const url = new URL(/Tusk is running at (\S+)/.exec(printed.stdout())![1]!);
  // npm's own banner (`> tusk-connections start`) comes first; the app prints the one URL line.
  expect(printed.stdout().match(/http:\/\//g)).toHaveLength(1);
  expect(printed.all()).toContain('Electron is not available here');
  expect(printed.all()).toMatch(/No OS keyring was found.*for this run only/);

  const page = await fetch(url);
  expect(page.status).toBe(200);
  await page.arrayBuffer();
  const origin = `http://127.0.0.1:${url.port}`;
  const client = await rawClient(
    `ws://127.0.0.1:${url.port}/ipc?token=${url.searchParams.get('token')}`,
    { Origin: origin },
  );
  await until('the keyring notice', () => client.events('host:notice').length > 0);
  expect(client.events('host:notice')[0]).toMatchObject({ level: 'warning' });

  const listed = await client.request('list_connections', {});
  expect(listed.ok).toBe(true);
  const demo = (
    listed as { result: { config: { id: string; name: string; port: number } }[] }
  ).result.find((c) => c.config.name === 'Demo (embedded)');
  expect(demo, 'the demo connection is listed').toBeDefined();
  const id = demo!.config.id;
  const connected = await client.request('connect', { config: demo!.config });
  expect(connected).toMatchObject({ ok: true, result: { currentUser: 'postgres' } });

  const statuses = () =>
    (client.events('connection:status') as ConnectionStatusEvent[])
      .filter((e) => e.connectionId === id)
      .map((e) => e.status);
  const before = statuses().length;
  expect(await client.request('demo_fault', { connectionId: id, fault: 'terminate' })).toEqual({
    id: expect.any(Number),
    ok: true,
    result: null,
  });
  await until(
    'reconnecting, then connected',
    () => statuses().slice(before).join(' ').includes('reconnecting connected'),
    15_000,
  );

  const cluster = await realpath(join(dataDir, 'demo-pg'));
  const pidFile = (await readFile(join(cluster, 'data', 'postmaster.pid'), 'utf8')).split('\n');
  const postmaster = Number(pidFile[0]);
  const pgPort = Number(pidFile[3]);
  // The server runs from the copy the postgres user can reach, not from inside the clone.
  expect(readlinkSync(`/proc/${postmaster}/exe`).startsWith(`${cache}/`)).toBe(true);
  const ports = [
    Number(url.port),
    pgPort,
    (demo as unknown as { config: { port: number } }).config.port,
  ];
  for (const port of ports) expect(listeningPorts().has(port), `port ${port} listens`).toBe(true);

  // The demo server's password went to the credential store; no frame and no line shows it.
  const password = await readFile(join(cluster, 'password'), 'utf8');
  expect(password.length).toBeGreaterThan(16);
  expect(client.frames.filter((frame) => frame.includes(password))).toEqual([]);
  expect(printed.all()).not.toContain(password);

  process.kill(-app.pid!, 'SIGINT');
  // npm passes the signal on to the app and then ends by it, as it does in a terminal.
  expect(['exit 0', 'SIGINT']).toContain(await exited);
  expect(printed.all()).toContain('quitting (SIGINT)');
  expect(printed.all()).not.toMatch(/failed|took over/);
  await until(
    'every process of the app to end',
    () => processesIn(clone.dir, cluster).length === 0,
    5_000,
  );
  for (const port of ports)
    expect(listeningPorts().has(port), `port ${port} still listens`).toBe(false);
}, 180_000);
