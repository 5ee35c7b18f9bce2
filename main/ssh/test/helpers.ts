import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ConnectionConfig, SshTunnel } from '../../../machines/config.ts';
import { type SharedServer, sharedServer } from '../../../test/harness/shared.ts';
import { type SshServer, startSshd } from '../../../test/harness/sshd.ts';
import { configFor, type Patch } from '../../test/helpers.ts';

export interface TunnelWorld {
  readonly server: SharedServer;
  readonly sshd: SshServer;
  /** A known_hosts file that trusts this run's sshd, standing in for ~/.ssh/known_hosts. */
  readonly knownHosts: string;
  /** An empty file where no host is known. */
  readonly noKnownHosts: string;
}

/**
 * For a test file: the shared PostgreSQL, an sshd of this file's own that may forward to it,
 * and known-hosts files that do and do not trust that sshd. Stopped and removed after the file.
 */
export function tunnelWorld(): TunnelWorld {
  const server = sharedServer();
  const world = { server } as { -readonly [K in keyof TunnelWorld]: TunnelWorld[K] };
  let dir = '';
  beforeAll(async () => {
    world.sshd = await startSshd({ permitOpen: [server.port] });
    dir = await mkdtemp(join(tmpdir(), 'tusk-ssh-test-'));
    world.knownHosts = join(dir, 'known_hosts');
    world.noKnownHosts = join(dir, 'empty_known_hosts');
    await writeFile(world.knownHosts, `${await world.sshd.knownHostsLine()}\n`);
    await writeFile(world.noKnownHosts, '');
  });
  afterAll(async () => {
    await world.sshd?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return world;
}

/** A config for the shared server through the sshd, with short timings and fast keepalives. */
export function tunnelConfig(
  world: TunnelWorld,
  tunnel: Partial<SshTunnel> = {},
  patch: Patch = {},
): ConnectionConfig {
  return configFor(world.server, {
    passwordInKeyring: true,
    sshTunnel: {
      enabled: true,
      host: world.sshd.host,
      port: world.sshd.port,
      username: world.sshd.user,
      auth: 'password',
      keepaliveIntervalSec: 1,
      keepaliveCountMax: 3,
      ...tunnel,
    },
    ...patch,
  });
}

/**
 * The sshd's connection processes, once none is left or after `timeoutMs`: a session process
 * exits a moment after its client said goodbye.
 */
export async function sessionsLeft(sshd: SshServer, timeoutMs = 2_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = await sshd.sessions();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = await sshd.sessions();
  }
  return left;
}
