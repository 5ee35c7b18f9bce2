import { access, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { connection, freshDataDir, group } from './helpers.ts';

describe('store round trip', () => {
  it('treats a missing file as an empty store and creates nothing by reading', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    expect(await store.listConnections()).toEqual([]);
    expect(await store.listGroups()).toEqual([]);
    expect(await store.getConnection(connection().id)).toBeNull();
    await expect(access(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives back a saved connection after reopening, with every default filled in', async () => {
    const dataDir = await freshDataDir();
    const saved = connection({ color: '#336699' });
    await (await openStore(dataDir)).saveConnection(saved);

    const reopened = await openStore(dataDir);
    expect(await reopened.getConnection(saved.id)).toEqual({
      id: saved.id,
      name: 'Local',
      host: 'localhost',
      port: 5432,
      database: 'app',
      username: 'alice',
      passwordInKeyring: false,
      sslMode: 'prefer',
      sslNegotiation: 'postgres',
      color: '#336699',
      options: {
        applicationName: 'Tusk',
        connectTimeoutSec: 10,
        readonly: false,
        keepaliveIntervalSec: 60,
        poolMax: 10,
        maxReconnectAttempts: 20,
        targetSessionAttrs: 'any',
        loadBalanceHosts: 'disable',
      },
    });
  });

  it('writes { version: 1, connections, groups }', async () => {
    const store = await openStore(await freshDataDir());
    const team = group();
    const saved = connection({ groupId: team.id });
    await store.saveGroup(team);
    await store.saveConnection(saved);
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    expect(file).toEqual({ version: 1, connections: [saved], groups: [team] });
  });

  it('replaces a connection with the same id in place', async () => {
    const store = await openStore(await freshDataDir());
    const [a, b, c] = [connection({ name: 'a' }), connection({ name: 'b' }), connection()];
    for (const config of [a, b, c]) await store.saveConnection(config);
    await store.saveConnection({ ...b, name: 'b renamed', port: 6543 });
    const names = (await store.listConnections()).map((x) => x.name);
    expect(names).toEqual(['a', 'b renamed', 'Local']);
    expect((await store.getConnection(b.id))?.port).toBe(6543);
  });

  it('records lastConnectedAt, keeps it across edits, and ignores an unsaved connection', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const saved = connection();
    await store.saveConnection(saved);
    const when = '2026-11-26T14:00:00.000Z';
    expect(await store.touchConnection(saved.id, when)).toBe(true);
    expect((await (await openStore(dataDir)).getConnection(saved.id))?.lastConnectedAt).toBe(when);
    await store.saveConnection({ ...saved, name: 'edited in the form' });
    expect((await store.getConnection(saved.id))?.lastConnectedAt).toBe(when);
    expect(await store.touchConnection(connection().id, when)).toBe(false);
    await expect(store.touchConnection(saved.id, 'yesterday')).rejects.toMatchObject({
      kind: 'InvalidInput',
    });
  });

  it('deletes only the connection asked for', async () => {
    const store = await openStore(await freshDataDir());
    const [keep, drop] = [connection(), connection()];
    await store.saveConnection(keep);
    await store.saveConnection(drop);
    expect(await store.deleteConnection(drop.id)).toBe(true);
    expect(await store.deleteConnection(drop.id)).toBe(false);
    expect(await store.listConnections()).toEqual([keep]);
  });

  it('gives back saved groups, replacing by id', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const parent = group({ name: 'Prod' });
    const child = group({ name: 'EU', parentId: parent.id, color: '#aa0000' });
    await store.saveGroup(parent);
    await store.saveGroup(child);
    await store.saveGroup({ ...parent, name: 'Production' });
    expect(await (await openStore(dataDir)).listGroups()).toEqual([
      { ...parent, name: 'Production' },
      child,
    ]);
  });

  it('rejects an invalid config or group with InvalidInput and writes nothing', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const bad = { ...connection(), port: 0 };
    await expect(store.saveConnection(bad)).rejects.toMatchObject({
      kind: 'InvalidInput',
      field: 'port',
    });
    await expect(store.saveGroup({ ...group(), name: ' ' })).rejects.toMatchObject({
      kind: 'InvalidInput',
      field: 'name',
    });
    await expect(access(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
