import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { connection, freshDataDir, group } from './helpers.ts';

describe('deleting a group', () => {
  it('keeps its connections, ungrouped, and leaves other groups alone', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const [doomed, other] = [group({ name: 'Doomed' }), group({ name: 'Other' })];
    const inDoomed = [connection({ groupId: doomed.id }), connection({ groupId: doomed.id })];
    const inOther = connection({ groupId: other.id });
    const loose = connection();
    await store.saveGroup(doomed);
    await store.saveGroup(other);
    for (const c of [...inDoomed, inOther, loose]) await store.saveConnection(c);

    expect(await store.deleteGroup(doomed.id)).toBe(true);

    const after = await (await openStore(dataDir)).listConnections();
    expect(after.map((c) => c.id)).toEqual([...inDoomed, inOther, loose].map((c) => c.id));
    for (const c of after.slice(0, 2)) expect(c).not.toHaveProperty('groupId');
    expect(after[0]).toEqual({ ...inDoomed[0], groupId: undefined });
    expect(after[2]?.groupId).toBe(other.id);
    expect(await store.listGroups()).toEqual([other]);
  });

  it('moves its subgroups up to its own parent', async () => {
    const store = await openStore(await freshDataDir());
    const root = group({ name: 'Root' });
    const middle = group({ name: 'Middle', parentId: root.id });
    const leaf = group({ name: 'Leaf', parentId: middle.id });
    for (const g of [root, middle, leaf]) await store.saveGroup(g);

    await store.deleteGroup(middle.id);
    expect(await store.listGroups()).toEqual([root, { ...leaf, parentId: root.id }]);

    await store.deleteGroup(root.id);
    const [orphan] = await store.listGroups();
    expect(orphan).not.toHaveProperty('parentId');
    expect(orphan).toEqual({ ...leaf, parentId: undefined });
  });

  it('reports an unknown group and writes nothing', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    expect(await store.deleteGroup(group().id)).toBe(false);
    await expect(access(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
