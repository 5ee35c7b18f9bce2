import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { fingerprintOf } from '../known-hosts.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

const serverFingerprint = async () => {
  const [, key] = (await world.sshd.knownHostsLine()).split(' ').slice(1);
  return fingerprintOf(Buffer.from(key!, 'base64'));
};

describe('an SSH server whose host key is not known', () => {
  it('stops in error with the key fingerprint, sends no credential, and connects once accepted', async () => {
    const { service, dataDir } = await startService({
      ssh: { userKnownHostsFile: world.noKnownHosts },
    });
    const config = tunnelConfig(world);
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const logins = world.sshd.logins();
    const log = world.sshd.log.length;

    const error = await rejection(service.connect(config));
    const fingerprint = await serverFingerprint();
    expect(error).toMatchObject({ kind: 'HostKeyUnknown', fingerprint });
    expect(error.message).toContain(fingerprint);
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    // Refused before any login was tried: no auth line at all in sshd's log.
    expect(world.sshd.log.slice(log).some((l) => /password|Failed|Accepted/.test(l))).toBe(false);
    expect(world.sshd.logins()).toBe(logins);

    // A fingerprint the server does not present trusts nothing.
    const wrong = await rejection(
      service.acceptHostKey(config.id, 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'),
    );
    expect(wrong).toMatchObject({ kind: 'InvalidInput', field: 'fingerprint' });

    await service.acceptHostKey(config.id, fingerprint);
    const known = await readFile(join(dataDir, 'known_hosts'), 'utf8');
    expect(known).toBe(`${await world.sshd.knownHostsLine()}\n`);

    const info = await service.connect(config);
    expect(info.currentUser).toBe(world.server.user);
    expect(world.sshd.logins() - logins).toBe(1);
  });

  it('is known from a hashed ~/.ssh/known_hosts entry', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'tusk-hashed-'));
    try {
      const file = join(dir, 'known_hosts');
      await writeFile(file, `${await world.sshd.knownHostsLine()}\n`);
      // ssh-keygen -H: hash every name, as HashKnownHosts does.
      await promisify(execFile)('ssh-keygen', ['-H', '-f', file]);
      expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/);
      const { service } = await startService({ ssh: { userKnownHostsFile: file } });
      const config = tunnelConfig(world);
      await service.saveConnection(config, world.server.password, {
        sshPassword: world.sshd.password,
      });
      await expect(service.connect(config)).resolves.toMatchObject({
        currentUser: world.server.user,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
