import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { rawKeytar } from '../../test/helpers.ts';
import { sessionsLeft, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();
const fixture = join(import.meta.dirname, 'fixtures', 'tunnel-then-close.ts');

it('a process that closes the service with a tunnel open exits by itself, leaving no SSH session', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tusk-ssh-exit-'));
  const keyringService = `tusk-test-${randomUUID()}`;
  onTestFinished(async () => {
    const keytar = await rawKeytar();
    for (const { account } of await keytar.findCredentials(keyringService)) {
      await keytar.deletePassword(keyringService, account);
    }
    await rm(root, { recursive: true, force: true });
  });
  const { server, sshd } = world;
  const input = {
    pg: {
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
    },
    ssh: { host: sshd.host, port: sshd.port, user: sshd.user, password: sshd.password },
    dataDir: join(root, 'data'),
    knownHosts: world.knownHosts,
    keyringService,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, TUSK_FIXTURE: JSON.stringify(input) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(killer);
  expect(
    out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step),
    err,
  ).toEqual(['connected', 'closed']);
  expect(exit, err).toEqual({ code: 0, signal: null });
  expect(await sessionsLeft(sshd)).toEqual([]);
});
