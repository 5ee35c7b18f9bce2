import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('an SSH server whose host key changed', () => {
  it('is refused with HostKeyChanged, never accepted, and no database connection is attempted', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world);
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    await service.connect(config);
    await service.disconnect(config.id);

    await world.sshd.replaceHostKey();
    const logins = world.sshd.logins();
    const log = world.sshd.log.length;

    const error = await rejection(service.connect(config));
    expect(error.kind).toBe('HostKeyChanged');
    expect(error.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    // Not retried on its own, no login, no forwarding, no backend.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    expect(world.sshd.logins()).toBe(logins);
    expect(world.sshd.log.slice(log).some((l) => /Accepted|direct-tcpip|password/.test(l))).toBe(
      false,
    );
    expect(
      await world.server.backends({ applicationName: config.options.applicationName }),
    ).toEqual([]);

    // Accepting it is refused too: a changed key needs its old entry removed first.
    const refused = await rejection(service.acceptHostKey(config.id, error.fingerprint!));
    expect(refused.kind).toBe('HostKeyChanged');
    expect((await rejection(service.connect(config))).kind).toBe('HostKeyChanged');
  });
});
