import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { connection, freshDataDir, tempFilesIn } from './helpers.ts';

const sortedIds = (items: { id: string }[]) => items.map((c) => c.id).sort();

describe('concurrent saves', () => {
  it('persists all of 50 saves started at once, and they survive a restart', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const configs = Array.from({ length: 50 }, (_, i) => connection({ name: `db ${i}` }));

    await Promise.all(configs.map((config) => store.saveConnection(config)));

    expect(sortedIds(await store.listConnections())).toEqual(sortedIds(configs));
    const restarted = await openStore(dataDir);
    expect(sortedIds(await restarted.listConnections())).toEqual(sortedIds(configs));
    expect(JSON.parse(await readFile(store.path, 'utf8')).connections).toHaveLength(50);
    expect(await tempFilesIn(dirname(store.path))).toEqual([]);
  });

  it('loses nothing when two stores on the same directory write at once', async () => {
    const dataDir = await freshDataDir();
    const [one, two] = await Promise.all([openStore(dataDir), openStore(dataDir)]);
    const configs = Array.from({ length: 40 }, () => connection());

    await Promise.all(configs.map((c, i) => (i % 2 ? one : two).saveConnection(c)));

    expect(sortedIds(await (await openStore(dataDir)).listConnections())).toEqual(
      sortedIds(configs),
    );
  });

  it('applies interleaved saves, touches and deletes in call order', async () => {
    const store = await openStore(await freshDataDir());
    const [a, b] = [connection(), connection()];
    const when = '2026-01-02T03:04:05.000Z';
    await Promise.all([
      store.saveConnection(a),
      store.saveConnection(b),
      store.touchConnection(a.id, when),
      store.deleteConnection(b.id),
      store.saveConnection({ ...a, name: 'renamed' }),
    ]);
    expect(await store.listConnections()).toEqual([
      { ...a, name: 'renamed', lastConnectedAt: when },
    ]);
  });
});
