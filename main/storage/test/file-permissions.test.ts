import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { connection, freshDataDir } from './helpers.ts';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('file permissions', () => {
  it('creates the data directory 0700 and the file 0600 on the first write', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    await store.saveConnection(connection());
    expect((await modeOf(dataDir)).toString(8)).toBe('700');
    expect((await modeOf(store.path)).toString(8)).toBe('600');
  });

  it('keeps the file 0600 across rewrites', async () => {
    const store = await openStore(await freshDataDir());
    for (let i = 0; i < 5; i++) await store.saveConnection(connection());
    expect((await modeOf(store.path)).toString(8)).toBe('600');
  });

  it('narrows a file that was readable by others to 0600 when it is next written', async () => {
    const dataDir = await freshDataDir();
    await mkdir(dataDir);
    const store = await openStore(dataDir);
    await writeFile(store.path, JSON.stringify({ version: 1, connections: [], groups: [] }));
    await chmod(store.path, 0o644);
    await store.saveConnection(connection());
    expect((await modeOf(store.path)).toString(8)).toBe('600');
  });
});
