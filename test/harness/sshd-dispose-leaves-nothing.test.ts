import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { alive, startSshd } from './sshd.ts';

const run = promisify(execFile);

test('dispose() stops listening, ends every SSH session and the agent, and removes its directory', async () => {
  const sshd = await startSshd({ permitOpen: [1] });
  const agent = await sshd.agent();
  // A real login that stays: OpenSSH's own client, forwarding nothing, in the background.
  const client = execFile('ssh', [
    '-i',
    sshd.keys.plain,
    '-p',
    String(sshd.port),
    '-N',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    `${sshd.user}@127.0.0.1`,
  ]);
  client.on('error', () => {});
  const deadline = Date.now() + 10_000;
  while (sshd.logins() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(sshd.logins()).toBe(1);
  const sessions = await sshd.sessions();
  expect(sessions.length).toBe(1);
  const { stdout } = await run('ssh-add', ['-l'], {
    env: { ...process.env, SSH_AUTH_SOCK: agent },
  });
  expect(stdout).toMatch(/ED25519/);

  await sshd.dispose();
  await sshd.dispose();

  const { port } = sshd;
  expect(await Promise.all(sessions.map(alive))).toEqual([false]);
  // Nothing listens on its port any more: a connect is refused.
  const refused = await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
  expect(refused).toBe(true);
  expect(existsSync(sshd.dir)).toBe(false);
  await expect(sshd.start()).rejects.toThrow(/disposed/);
  client.kill('SIGKILL');
});
