import { describe, expect, it } from 'vitest';
import { startService } from '../../test/helpers.ts';
import { sessionsLeft, tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();
const names = (result: { stages: { name: string }[] }) => result.stages.map((s) => s.name);

describe('test_connection through an SSH tunnel', () => {
  it('runs the SSH stages before the database ones and leaves nothing open', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world);
    const result = await service.testConnection(config, {
      password: world.server.password,
      sshPassword: world.sshd.password,
    });
    expect(result.success).toBe(true);
    expect(names(result)).toEqual([
      'ssh-tcp',
      'ssh-handshake',
      'ssh-auth',
      'forward',
      'tls',
      'auth',
      'server',
    ]);
    expect(result.stages.every((s) => s.ok)).toBe(true);
    expect(result.stages[1]!.detail).toMatch(/^ssh-ed25519 SHA256:\S+, known$/);
    expect(await sessionsLeft(world.sshd)).toEqual([]);
    expect(
      await world.server.backends({ applicationName: config.options.applicationName }),
    ).toEqual([]);
  });

  it('stops at the handshake on an unknown host key, with its fingerprint, before any login', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.noKnownHosts } });
    const logins = world.sshd.logins();
    const result = await service.testConnection(tunnelConfig(world), {
      password: world.server.password,
      sshPassword: world.sshd.password,
    });
    expect(result.success).toBe(false);
    expect(names(result)).toEqual(['ssh-tcp', 'ssh-handshake']);
    expect(result.stages[1]!.error).toMatchObject({ kind: 'HostKeyUnknown' });
    expect(result.stages[1]!.hint).toContain(result.stages[1]!.error!.fingerprint);
    expect(world.sshd.logins()).toBe(logins);
  });

  it('stops at ssh-auth on a wrong SSH password', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const result = await service.testConnection(tunnelConfig(world), {
      password: world.server.password,
      sshPassword: 'not-the-password',
    });
    expect(names(result)).toEqual(['ssh-tcp', 'ssh-handshake', 'ssh-auth']);
    expect(result.stages[2]!.error).toMatchObject({ kind: 'AuthFailed', code: 'SSH_AUTH_FAILED' });
  });

  it('stops at forward when the SSH server may not reach the database', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    // PermitOpen allows only the shared server's port.
    const config = tunnelConfig(world, {}, { port: world.server.port === 1 ? 2 : 1 });
    const result = await service.testConnection(config, {
      password: world.server.password,
      sshPassword: world.sshd.password,
    });
    expect(names(result)).toEqual(['ssh-tcp', 'ssh-handshake', 'ssh-auth', 'forward']);
    expect(result.stages[3]!.error).toMatchObject({ code: 'SSH_CHANNEL_OPEN_FAILED' });
  });
});
