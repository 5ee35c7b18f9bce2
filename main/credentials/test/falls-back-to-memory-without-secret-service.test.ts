import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, 'fixtures', 'open-store.ts');

async function openIn(env: NodeJS.ProcessEnv) {
  const args = ['--import', 'tsx', fixture, `tusk-test-${randomUUID()}`];
  const { stdout } = await run(process.execPath, args, { env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the credential store of an app start', () => {
  it('falls back to memory, saying so, where no Secret Service is reachable', async () => {
    const runtimeDir = await mkdtemp(join(tmpdir(), 'tusk-no-bus-'));
    onTestFinished(() => rm(runtimeDir, { recursive: true, force: true }));
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
    for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[name];

    const result = await openIn(env);

    expect(result.kind).toBe('memory');
    expect(result.notice).toMatch(/^No OS keyring was found/);
    expect(result.notice).toContain('for this run only');
    expect(result.value).toBe('pw-round-trip');
  });

  it('uses the OS keyring where one answers', async () => {
    const result = await openIn(process.env);
    expect(result).toEqual({ kind: 'keyring', notice: null, value: 'pw-round-trip' });
  });
});
