import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, 'fixtures', 'keyring-call.ts');
const password = `pw-${randomUUID()}`;

/** Runs the fixture with no way to reach a session bus, unless `busAddress` names one. */
async function callWithoutBus(op: 'get' | 'set', busAddress?: string) {
  const runtimeDir = await mkdtemp(join(tmpdir(), 'tusk-no-bus-'));
  onTestFinished(() => rm(runtimeDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[name];
  if (busAddress) env.DBUS_SESSION_BUS_ADDRESS = busAddress;
  const args = [
    '--import',
    'tsx',
    fixture,
    `tusk-test-${randomUUID()}`,
    op,
    randomUUID(),
    password,
  ];
  const { stdout } = await run(process.execPath, args, { env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('no Secret Service reachable', () => {
  it.each([
    ['no session bus at all', 'get', undefined],
    ['no session bus, saving a password', 'set', undefined],
    ['a bus address where nothing listens', 'get', 'unix:path=/nonexistent/tusk/bus'],
  ] as const)(
    '%s: a Storage error that says what is missing and how to fix it',
    async (_case, op, busAddress) => {
      const result = await callWithoutBus(op, busAddress);

      expect(result.ok).toBe(false);
      expect(result.error).toMatchObject({ kind: 'Storage', code: 'KEYRING_UNAVAILABLE' });
      const message: string = result.error.message;
      expect(message).toContain('no Secret Service is reachable');
      expect(message).toContain('D-Bus session bus');
      expect(message).toMatch(/install .*gnome-keyring/);
      expect(message).toContain('desktop session');
      expect(result.inspected).not.toContain(password);
    },
  );
});
