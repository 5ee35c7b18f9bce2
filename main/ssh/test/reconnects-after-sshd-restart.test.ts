import { describe, expect, it } from 'vitest';
import { delay, recordStatuses, startService, untilStatuses } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('sshd stopped and started again', () => {
  it('backs off while it is down, then connects through a new tunnel', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world, {}, { options: { keepaliveIntervalSec: 600 } });
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const statuses = recordStatuses(service);
    await service.connect(config);

    await world.sshd.stop();
    await untilStatuses(statuses, config.id, ['connecting', 'connected', 'reconnecting']);
    // Long enough for several refused attempts with growing delays.
    await delay(1_500);
    const refused = service.manager.system.get(`connection:${config.id}`)!.getSnapshot().context;
    expect(refused.attempt).toBeGreaterThanOrEqual(3);
    expect(refused.lastError).toMatchObject({ kind: 'ConnectionFailed', code: 'ECONNREFUSED' });
    await world.sshd.start();

    expect(
      await untilStatuses(
        statuses,
        config.id,
        ['connecting', 'connected', 'reconnecting', 'connected'],
        15_000,
      ),
    ).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    const { rows } = await service.query(config.id, 'select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
