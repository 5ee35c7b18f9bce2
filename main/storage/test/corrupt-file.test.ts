import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../index.ts';
import { connection, expectStorageError, freshDataDir, group, tempFilesIn } from './helpers.ts';

const valid = connection();
const validFile = { version: 1, connections: [valid], groups: [] };
const json = (value: unknown) => JSON.stringify(value, null, 2);

const corruptions: [kind: string, content: string, messagePart: string][] = [
  ['truncated JSON', json(validFile).slice(0, 80), 'is not valid JSON'],
  ['an empty file', '', 'the file is empty'],
  ['binary noise', '\u0000\u0001\u00ff garbage', 'is not valid JSON'],
  ['a JSON array', json([valid]), 'does not hold a JSON object'],
  ['no version', json({ connections: [valid], groups: [] }), '"version"'],
  ['a future version', json({ ...validFile, version: 2 }), 'written by a newer version of Tusk'],
  ['connections not a list', json({ ...validFile, connections: {} }), 'connections: Invalid input'],
  [
    'a connection that fails validation',
    json({ ...validFile, connections: [{ ...valid, port: 70000 }] }),
    'connections.0.port: port must be between 1 and 65535',
  ],
  [
    'a duplicate connection id',
    json({ ...validFile, connections: [valid, valid] }),
    'duplicate connection id',
  ],
];

/** Every operation that may write, each of which must refuse. */
const writes = (store: Store) => [
  store.saveConnection(connection()),
  store.saveConnection(valid),
  store.deleteConnection(valid.id),
  store.touchConnection(valid.id, new Date().toISOString()),
  store.saveGroup(group()),
  store.deleteGroup(group().id),
];

describe('a corrupt file', () => {
  it.each(corruptions)(
    '%s is a Storage error with its path, and is never overwritten',
    async (_kind, content, messagePart) => {
      const dataDir = await freshDataDir();
      await mkdir(dataDir);
      const store = await openStore(dataDir);
      await writeFile(store.path, content);
      const before = await readFile(store.path);

      const error = await expectStorageError(store.listConnections(), store.path);
      expect(error.message).toContain(messagePart);
      await expectStorageError(store.listGroups(), store.path);
      await expectStorageError(store.getConnection(valid.id), store.path);
      await Promise.all(writes(store).map((attempt) => expectStorageError(attempt, store.path)));
      await expectStorageError((await openStore(dataDir)).saveConnection(valid), store.path);

      expect((await readFile(store.path)).equals(before)).toBe(true);
      expect(await tempFilesIn(dataDir)).toEqual([]);
    },
  );

  it('says a newer version of Tusk wrote it, rather than calling it broken', async () => {
    const dataDir = await freshDataDir();
    await mkdir(dataDir);
    const store = await openStore(dataDir);
    await writeFile(store.path, json({ version: 7, connections: 'a format we do not know' }));
    const error = await expectStorageError(store.listConnections(), store.path);
    expect(error.message).toMatch(/format 7; this one reads up to 1.*update Tusk/);
  });

  it('is a Storage error when the path cannot be read at all', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    await mkdir(store.path, { recursive: true });
    const error = await expectStorageError(store.listConnections(), store.path);
    expect(error.message).toContain('cannot be read');
    await expectStorageError(store.saveConnection(valid), store.path);
    expect(await tempFilesIn(dirname(store.path))).toEqual([]);
  });

  it('is used again once repaired, without reopening the store', async () => {
    const dataDir = await freshDataDir();
    await mkdir(dataDir);
    const store = await openStore(dataDir);
    await writeFile(store.path, '{"version": 1, "connections": [');
    await expectStorageError(store.saveConnection(connection()), store.path);

    await writeFile(store.path, json(validFile));
    const added = connection();
    await store.saveConnection(added);
    expect(await store.listConnections()).toEqual([valid, added]);
  });
});
