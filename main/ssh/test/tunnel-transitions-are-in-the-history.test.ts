import { expect, it } from 'vitest';
import { recordStatuses, startService, untilStatuses } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

it("the tunnel's transitions are in the connection's history, marked as the tunnel's, after a restart too", async () => {
  const { service, reopen } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
  const config = tunnelConfig(world, {}, { options: { keepaliveIntervalSec: 600 } });
  await service.saveConnection(config, world.server.password, {
    sshPassword: world.sshd.password,
  });
  const statuses = recordStatuses(service);
  await service.connect(config);
  await world.sshd.killSessions();
  await untilStatuses(statuses, config.id, [
    'connecting',
    'connected',
    'reconnecting',
    'connected',
  ]);
  await service.close();

  const history = await (await reopen()).getHistory(config.id);

  const tunnel = history.filter((r) => r.machine === 'tunnel');
  // Two tunnels: the first opened and lost with the session, the second opened.
  expect(tunnel.map((r) => r.to)).toEqual(
    expect.arrayContaining(['open.idle', 'lost', 'open.idle']),
  );
  expect(tunnel.filter((r) => r.from === 'connecting' && r.to === 'open.idle')).toHaveLength(2);
  expect(tunnel.find((r) => r.to === 'lost')).toMatchObject({
    from: 'open.idle',
    event: 'TUNNEL_DROPPED',
    error: { kind: 'ConnectionLost' },
  });
  // Interleaved with the connection's own, oldest first.
  expect(history.map((r) => r.at)).toEqual([...history.map((r) => r.at)].sort((a, b) => a - b));
  expect(history.some((r) => r.machine === undefined && r.to.startsWith('reconnecting'))).toBe(
    true,
  );
});
