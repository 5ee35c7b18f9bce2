import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it, onTestFinished } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { rawKeytar } from './helpers.ts';

const server = sharedServer();
const fixture = join(import.meta.dirname, 'fixtures', 'use-then-close.ts');
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

type Step = { step: string; status?: string; applicationName?: string; at: number };

/**
 * Runs the fixture; `onConnected` may break things before the fixture goes on. Resolves with its
 * steps, exit code and stderr once it has exited, or after `limitMs` with it killed.
 */
async function runFixture(
  scenario: 'reconnecting' | 'query-running',
  target: { host: string; port: number },
  onConnected: () => Promise<void> = async () => {},
  limitMs = 20_000,
) {
  const root = await mkdtemp(join(tmpdir(), 'tusk-exit-'));
  const keyringService = `tusk-test-${randomUUID()}`;
  onTestFinished(async () => {
    const keytar = await rawKeytar();
    for (const { account } of await keytar.findCredentials(keyringService)) {
      await keytar.deletePassword(keyringService, account);
    }
    await rm(root, { recursive: true, force: true });
  });
  const input = {
    ...target,
    user: server.user,
    password: server.password,
    database: server.database,
    dataDir: join(root, 'data'),
    keyringService,
    scenario,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, TUSK_FIXTURE: JSON.stringify(input) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const steps: Step[] = [];
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
    (resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  for await (const line of createInterface({ input: child.stdout })) {
    const step = { ...(JSON.parse(line) as Step), at: performance.now() };
    steps.push(step);
    if (step.step === 'connected') {
      await onConnected();
      child.stdin.end('go\n');
    }
  }
  const exit = await exited;
  clearTimeout(killer);
  return { steps, exit, stderr };
}

function expectExitedByItself(run: Awaited<ReturnType<typeof runFixture>>) {
  const names = run.steps.map((s) => s.step);
  expect(names, run.stderr).toEqual(['connected', 'closing', 'closed']);
  expect(run.exit, run.stderr).toMatchObject({ code: 0, signal: null });
  const closedAt = run.steps.find((s) => s.step === 'closed')!.at;
  expect(run.exit.at - closedAt, run.stderr).toBeLessThan(1_000);
}

it('a process that closes the service while it reconnects exits by itself', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const running = proxy;

  const run = await runFixture('reconnecting', proxy, () => running.setMode('reset'));

  expectExitedByItself(run);
  expect(run.steps.find((s) => s.step === 'closing')?.status).toBe('reconnecting');
});

it('a process that closes the service during a long query, keepalive running, exits by itself', async () => {
  const run = await runFixture('query-running', server);

  expectExitedByItself(run);
  expect(run.steps.find((s) => s.step === 'closing')?.status).toBe('connected');
  const app = run.steps[0]!.applicationName!;
  expect(await server.backends({ applicationName: app })).toEqual([]);
});
