import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import type { EventFrame } from '../../../machines/ipc.ts';
import type { ConnectionStatusEvent } from '../../../machines/manager.machine.ts';
import { buildElectron } from '../../../scripts/build-electron.ts';
import { freshAppDir, headlessEnv, listeningPorts, processesIn } from '../../app/test/helpers.ts';
import { NO_KEYRING_NOTICE } from '../../credentials/open-store.ts';
import { APP_PAGE, EVENT_CHANNEL } from '../ipc.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const REGISTER = fileURLToPath(new URL('./electron-stand-in/register.mjs', import.meta.url));

type Report = { type: string; [key: string]: unknown };

/**
 * The bundle `npm run build:electron` makes, run by Node with electron-stand-in/electron.mjs as
 * its `electron` (the binary cannot be downloaded here). Built inside the repository (.tmp/),
 * since what the bundle leaves outside resolves from its node_modules.
 */
async function startBuiltMain(args: string[], env: NodeJS.ProcessEnv) {
  const dir = join(ROOT, '.tmp', `electron-${randomUUID()}`);
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const built = await buildElectron(join(dir, 'electron'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Tusk</title>\n');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer\n');

  const child = spawn(process.execPath, ['--import', REGISTER, built.main, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  const reports: Report[] = [];
  let text = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('@@')) reports.push(JSON.parse(line.slice(2)));
      else text += `${line}\n`;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const said = () => `\n--- the main process said ---\n${text}`;

  let next = 0;
  const act = async (action: string, body: Record<string, unknown> = {}) => {
    const id = next++;
    child.stdin.write(`${JSON.stringify({ id, action, ...body })}\n`);
    const done = await until((r) => r.type === 'done' && r.id === id);
    if (done.error) throw new Error(`${action}: ${done.error}${said()}`);
    return done.result as Record<string, unknown>;
  };
  const until = async (match: (r: Report) => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = reports.find(match);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`the main process exited${said()}`);
      if (Date.now() > deadline) throw new Error(`not reported within ${ms} ms${said()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const frames = () =>
    reports
      .filter((r) => r.type === 'send')
      .map((r) => {
        expect(r.channel).toBe(EVENT_CHANNEL);
        return r.frame as EventFrame;
      });
  const exit = (ms: number) =>
    Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`still running after ${ms} ms${said()}`)), ms),
      ),
    ]);
  return { child, built, reports, act, until, frames, exit, said, output: () => text };
}

it('the built main process runs the app, demo and all, keeps the page locked down, and quits leaving nothing', async () => {
  const dataDir = await freshAppDir();
  const cache = await mkdtemp('/tmp/tusk-pg-cache-electron-');
  await chmod(cache, 0o755);
  onTestFinished(() => rm(cache, { recursive: true, force: true }));
  const main = await startBuiltMain(['--data-dir', dataDir], await headlessEnv(cache));

  // The window: sandboxed, isolated, no Node, the bundled preload beside the main bundle.
  const window = await main.until((r) => r.type === 'window', 60_000);
  expect(window.webPreferences).toMatchObject({
    preload: main.built.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    webviewTag: false,
  });
  expect(existsSync(main.built.preload)).toBe(true);
  expect(main.reports.find((r) => r.type === 'schemes')).toMatchObject({
    schemes: [{ scheme: 'tusk', privileges: { standard: true, secure: true } }],
  });

  // The page, from the renderer build beside the bundle, with the CSP.
  const load = await main.until((r) => r.type === 'load');
  expect(load).toMatchObject({ url: APP_PAGE, status: 200, body: expect.stringContaining('Tusk') });
  const headers = load.headers as Record<string, string>;
  expect(headers['content-security-policy']).toMatch(/default-src 'none'.*connect-src 'none'/);
  expect(headers['content-type']).toMatch(/^text\/html/);

  // On load: the keyring notice, then every view, the demo's among them.
  await main.until(
    (r) => r.type === 'send' && (r.frame as EventFrame).event === 'connection:views',
  );
  expect(main.frames().slice(0, 2)).toEqual([
    { event: 'host:notice', payload: { level: 'warning', message: NO_KEYRING_NOTICE } },
    {
      event: 'connection:views',
      payload: {
        full: true,
        views: [expect.objectContaining({ status: 'disconnected', demo: true })],
      },
    },
  ]);

  const invoke = async (command: string, args: unknown, from?: Record<string, unknown>) => {
    const { reply } = (await main.act('invoke', { command, args, ...from })) as {
      reply: { ok: boolean; result?: unknown; error?: unknown };
    };
    return reply;
  };
  const listed = await invoke('list_connections', {});
  const [demo] = listed.result as { config: ConnectionConfig }[];
  expect(demo).toBeDefined();
  expect(await invoke('connect', { config: demo!.config })).toMatchObject({ ok: true });
  expect(
    await invoke('demo_fault', { connectionId: demo!.config.id, fault: 'terminate' }),
  ).toMatchObject({ ok: true, result: null });
  const statuses = () =>
    main
      .frames()
      .filter((f) => f.event === 'connection:status')
      .map((f) => f.payload as ConnectionStatusEvent)
      .filter((e) => e.connectionId === demo!.config.id)
      .map((e) => e.status);
  await expect.poll(() => statuses().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  expect(statuses()).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);

  // What is not the app's own page gets nothing: frames, navigation, windows, the network.
  expect(
    await invoke(
      'delete_connection',
      { connectionId: demo!.config.id },
      { url: 'https://x.test/' },
    ),
  ).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'sender' } });
  expect(
    await invoke('list_connections', {}, { url: APP_PAGE, parent: { url: APP_PAGE } }),
  ).toMatchObject({ ok: false, error: { field: 'sender' } });
  expect(await main.act('navigate', { url: 'https://x.test/' })).toEqual({ prevented: true });
  expect(await main.act('navigate', { url: APP_PAGE })).toEqual({ prevented: false });
  expect(await main.act('open', { url: 'https://x.test/' })).toEqual({ action: 'deny' });
  expect(await main.act('request', { url: 'https://x.test/a.js' })).toMatchObject({
    cancel: true,
  });
  expect(await main.act('permission', { name: 'media' })).toEqual({ granted: false });
  for (const url of ['tusk://app/..%2Fsecret.txt', 'tusk://app/%2e%2e/secret.txt']) {
    const fetched = await main.act('fetch', { url });
    expect(fetched, url).toMatchObject({ status: 404 });
    expect((fetched.headers as Record<string, string>)['content-security-policy']).toBeDefined();
  }
  await main.act('resume');

  // Ctrl-C: the quit waits for every pool and the demo server, then Electron exits.
  const postmaster = Number(
    readFileSync(join(dataDir, 'demo-pg', 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  expect(existsSync(`/proc/${postmaster}`)).toBe(true);
  const proxyPort = demo!.config.port;
  main.child.kill('SIGINT');
  expect(await main.exit(30_000)).toBe(0);
  expect(main.reports.filter((r) => r.type === 'quit')).toEqual([
    { type: 'quit', prevented: true },
    { type: 'quit', prevented: false },
  ]);
  expect(existsSync(`/proc/${postmaster}`)).toBe(false);
  expect(processesIn(dataDir)).toEqual([]);
  expect(listeningPorts().has(proxyPort)).toBe(false);
  expect(main.output()).toContain('tusk: quitting');
});

it('the built main process refuses a bad flag with one line and the usage, and exits 2 before starting anything', async () => {
  const main = await startBuiltMain(['--port', 'eighty'], await headlessEnv());
  expect(await main.exit(30_000)).toBe(2);
  const [first, second] = main.output().split('\n');
  expect(first).toBe('tusk: --port must be a whole number from 0 to 65535 (got "eighty")');
  expect(second).toMatch(/^usage: npm start -- \[--port N\]/);
  expect(main.reports.filter((r) => r.type === 'window')).toEqual([]);
});
