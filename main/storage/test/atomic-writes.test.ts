import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { connection, freshDataDir, tempFilesIn } from './helpers.ts';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, 'fixtures', 'crash-before-rename.ts');

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = execFile(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('atomic writes', () => {
  it('leaves the old file intact when the writer dies between write and rename', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const kept = connection();
    await store.saveConnection(kept);
    const before = await readFile(store.path);

    const crash = run(process.execPath, ['--import', 'tsx', fixture, dataDir, connection().id]);
    await expect(crash).rejects.toMatchObject({ signal: 'SIGKILL' });

    expect((await readFile(store.path)).equals(before)).toBe(true);
    const [stray] = await tempFilesIn(dataDir);
    expect(await readFile(join(dataDir, stray!), 'utf8')).toContain('never renamed into place');

    const restarted = await openStore(dataDir);
    expect(await restarted.listConnections()).toEqual([kept]);
    expect(await tempFilesIn(dataDir)).toEqual([]);
  });

  it("ignores a live process's temp file and removes a dead one's", async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    const kept = connection();
    await store.saveConnection(kept);
    const partial = '{"version": 1, "connections": [{"id": "';
    const live = `connections.json.${process.ppid}.0a1b2c.tmp`;
    const dead = `connections.json.${await deadPid()}.3d4e5f.tmp`;
    await writeFile(join(dataDir, live), partial);
    await writeFile(join(dataDir, dead), partial);

    const reopened = await openStore(dataDir);
    expect(await reopened.listConnections()).toEqual([kept]);
    expect(await tempFilesIn(dataDir)).toEqual([live]);
    await reopened.saveConnection(connection());
    expect(await reopened.listConnections()).toHaveLength(2);
  });

  it('never lets a reader see a partial file during many writes', async () => {
    const dataDir = await freshDataDir();
    const store = await openStore(dataDir);
    await store.saveConnection(connection());
    let writing = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (writing) {
        const file = JSON.parse(await readFile(store.path, 'utf8'));
        seen.push(file.connections.length);
      }
    })();

    for (let i = 0; i < 200; i++) {
      await store.saveConnection(connection({ name: `db ${i} ${'x'.repeat(150)}` }));
    }
    writing = false;
    await reader;

    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(await tempFilesIn(dataDir)).toEqual([]);
    expect((await readdir(dataDir)).sort()).toEqual(['connections.json']);
  });
});
