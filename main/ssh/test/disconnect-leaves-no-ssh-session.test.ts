import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startService } from '../../test/helpers.ts';
import { sessionsLeft, tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

/** Sockets this process listens on (TCP, IPv4 and IPv6), from /proc: inode of each. */
async function listeningSockets(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // st 0A is LISTEN; field 9 is the inode.
      if (fields[3] === '0A' && fields[9]) found.add(fields[9]);
    }
  }
  const mine = new Set<string>();
  const { readdir, readlink } = await import('node:fs/promises');
  for (const fd of await readdir('/proc/self/fd')) {
    const link = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode && found.has(inode)) mine.add(inode);
  }
  return mine;
}

describe('disconnect through an SSH tunnel', () => {
  it('leaves no SSH session on the server, no backend, and no listening port here', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world, {}, { options: { poolMax: 3 } });
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const listening = await listeningSockets();
    await service.connect(config);
    await Promise.all([1, 2].map(() => service.query(config.id, 'select pg_sleep(0.1)')));
    expect((await world.sshd.sessions()).length).toBe(1);
    // Channels, not a forwarded port: nothing new listens while connected either.
    expect(await listeningSockets()).toEqual(listening);

    await service.disconnect(config.id);

    expect(
      await world.server.backends({ applicationName: config.options.applicationName }),
    ).toEqual([]);
    expect(await sessionsLeft(world.sshd)).toEqual([]);
    expect(await listeningSockets()).toEqual(listening);
  });
});
