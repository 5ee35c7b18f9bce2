import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

it('deleting a group keeps its connections, ungrouped, and leaves other groups alone', async () => {
  const { service, reopen } = await startService();
  const team = { id: randomUUID(), name: 'Team' };
  const other = { id: randomUUID(), name: 'Other' };
  await service.saveGroup(team);
  await service.saveGroup(other);
  const inTeam = configFor(server, { groupId: team.id });
  const inOther = configFor(server, { groupId: other.id });
  await service.saveConnection(inTeam);
  await service.saveConnection(inOther);

  await service.deleteGroup(team.id);

  expect(await service.listGroups()).toEqual([other]);
  const byId = new Map((await service.listConnections()).map((c) => [c.config.id, c.config]));
  expect(byId.get(inTeam.id)).toBeDefined();
  expect(byId.get(inTeam.id)).not.toHaveProperty('groupId');
  expect(byId.get(inOther.id)?.groupId).toBe(other.id);
  await service.close();
  const restarted = await reopen();
  const after = (await restarted.listConnections()).map((c) => c.config);
  expect(after.find((c) => c.id === inTeam.id)).not.toHaveProperty('groupId');
});

it("the connection's actor forgets the deleted group too, so snapshot readers agree with the list", async () => {
  const { service } = await startService();
  const team = { id: randomUUID(), name: 'Team' };
  await service.saveGroup(team);
  const config = configFor(server, { groupId: team.id });
  await service.saveConnection(config);

  await service.deleteGroup(team.id);

  expect(actorOf(service, config.id)?.getSnapshot().context.config).not.toHaveProperty('groupId');
});

it('a connected connection stays connected when its group is deleted', async () => {
  const { service } = await startService();
  const team = { id: randomUUID(), name: 'Team' };
  await service.saveGroup(team);
  const config = configFor(server, { groupId: team.id, passwordInKeyring: true });
  await service.saveConnection(config, server.password);
  await service.connect(config);

  await service.deleteGroup(team.id);

  expect(await service.getConnectionStatus(config.id)).toBe('connected');
  await expect(service.query(config.id, 'select 1 as one')).resolves.toMatchObject({
    rows: [{ one: 1 }],
  });
});

it('an invalid group is InvalidInput and is not saved', async () => {
  const { service } = await startService();

  const error = await rejection(service.saveGroup({ id: 'not-a-uuid', name: '' }));

  expect(error.kind).toBe('InvalidInput');
  expect(await service.listGroups()).toEqual([]);
});
