import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { tunnelConfig, tunnelWorld } from '../../ssh/test/helpers.ts';
import { configFor, startService } from '../../test/helpers.ts';
import { escapes, liftProcedure, tryEveryEscape } from './escapes.ts';

const server = sharedServer();
const world = tunnelWorld();

const table = uniqueName('ro_escape');
const lift = uniqueName('ro_lift');
const rows = async () =>
  (await server.admin().query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

describe('no SQL lifts read-only', () => {
  it('directly: every escape, as one call and as a session, writes nothing', async () => {
    await server.admin().query(`create table ${table} (x int)`);
    await server.admin().query(liftProcedure(table, lift));
    const { service } = await startService();
    const config = configFor(server, { options: { readonly: true, poolMax: 4 } });
    await service.connect(config, { password: server.password });
    await tryEveryEscape(service, config.id, escapes(table, lift), rows);
    expect(await rows()).toBe(0);
  });

  it('over an SSH tunnel: every escape, as one call and as a session, writes nothing', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(world, {}, { options: { readonly: true, poolMax: 4 } });
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    await service.connect(config);
    await tryEveryEscape(service, config.id, escapes(table, lift), rows);
    expect(await rows()).toBe(0);
  });
});
