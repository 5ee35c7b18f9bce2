import { describe, expect, it } from 'vitest';
import { startService } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

async function connectAndQuery(
  tunnel: Parameters<typeof tunnelConfig>[1],
  secrets: { sshPassword?: string; sshPassphrase?: string },
  ssh: { agentSocket?: string } = {},
) {
  const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts, ...ssh } });
  const config = tunnelConfig(world, tunnel);
  await service.saveConnection(config, world.server.password, secrets);
  const before = world.sshd.logins();
  const info = await service.connect(config);
  const { rows } = await service.query(config.id, 'select inet_server_port() as port');
  return { info, port: rows[0]!.port, logins: world.sshd.logins() - before, service, config };
}

describe('connecting through an SSH tunnel, with each way of logging in', () => {
  it('a password from the keyring', async () => {
    const { info, port, logins } = await connectAndQuery(
      { auth: 'password' },
      { sshPassword: world.sshd.password },
    );
    expect(info.currentUser).toBe(world.server.user);
    expect(port).toBe(world.server.port);
    expect(logins).toBe(1);
  });

  it('a password given for one connect, kept nowhere', async () => {
    const { service, credentials } = await startService({
      ssh: { userKnownHostsFile: world.knownHosts },
    });
    const config = tunnelConfig(world, { auth: 'password' });
    const info = await service.connect(config, {
      password: world.server.password,
      sshPassword: world.sshd.password,
    });
    expect(info.currentUser).toBe(world.server.user);
    expect(await credentials.getSecret(config.id, 'ssh-password')).toBeNull();
  });

  it('an OpenSSH-format key without a passphrase', async () => {
    const { port, logins } = await connectAndQuery(
      { auth: 'key', keyPath: world.sshd.keys.plain },
      {},
    );
    expect(port).toBe(world.server.port);
    expect(logins).toBe(1);
  });

  it('an OpenSSH-format key with its passphrase from the keyring', async () => {
    const { port } = await connectAndQuery(
      { auth: 'key', keyPath: world.sshd.keys.openssh },
      { sshPassphrase: world.sshd.keys.passphrase },
    );
    expect(port).toBe(world.server.port);
  });

  it('a PEM (PKCS#1) RSA key with its passphrase from the keyring', async () => {
    const { port } = await connectAndQuery(
      { auth: 'key', keyPath: world.sshd.keys.pem },
      { sshPassphrase: world.sshd.keys.passphrase },
    );
    expect(port).toBe(world.server.port);
  });

  it('the SSH agent', async () => {
    const agentSocket = await world.sshd.agent();
    const { port, logins } = await connectAndQuery({ auth: 'agent' }, {}, { agentSocket });
    expect(port).toBe(world.server.port);
    expect(logins).toBe(1);
    expect(world.sshd.log.some((l) => /^Accepted publickey for tusk-ssh-test /.test(l))).toBe(true);
  });
});
