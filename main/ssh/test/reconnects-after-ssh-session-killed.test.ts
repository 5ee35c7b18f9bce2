import { describe, expect, it } from 'vitest';
import { tunnelView } from '../../../machines/tunnel.machine.ts';
import { actorOf, recordStatuses, startService, untilStatuses } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('the SSH session killed on the server', () => {
  it('goes reconnecting and comes back connected through a new tunnel', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world, {}, { options: { keepaliveIntervalSec: 600 } });
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const statuses = recordStatuses(service);
    await service.connect(config);
    const [before] = await world.sshd.sessions();
    const logins = world.sshd.logins();

    await world.sshd.killSessions();

    expect(
      await untilStatuses(statuses, config.id, [
        'connecting',
        'connected',
        'reconnecting',
        'connected',
      ]),
    ).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    const after = await world.sshd.sessions();
    expect(after.length).toBe(1);
    expect(after[0]).not.toBe(before);
    expect(world.sshd.logins() - logins).toBe(1);
    const { rows } = await service.query(config.id, 'select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
    const tunnel = actorOf(service, config.id)!.getSnapshot().children.tunnel;
    expect(tunnelView(tunnel)).toMatchObject({ state: 'open' });
  });
});
