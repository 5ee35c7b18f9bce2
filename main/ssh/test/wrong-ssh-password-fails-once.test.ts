import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('a wrong SSH password', () => {
  it('fails with AuthFailed after one attempt and is not retried', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world);
    await service.saveConnection(config, world.server.password, {
      sshPassword: 'not-the-password',
    });
    const log = world.sshd.log.length;

    const error = await rejection(service.connect(config));
    expect(error).toMatchObject({ kind: 'AuthFailed', code: 'SSH_AUTH_FAILED' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await service.getConnectionStatus(config.id)).toBe('error');
    const failures = world.sshd.log
      .slice(log)
      .filter((l) => /^Failed password for tusk-ssh-test/.test(l));
    expect(failures.length).toBe(1);
    expect(
      await world.server.backends({ applicationName: config.options.applicationName }),
    ).toEqual([]);
  });
});
