import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ConnectionConfig,
  type ConnectionGroup,
  validate,
  validateGroup,
} from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import { errorCode, removeStrayTempFiles, writeFileAtomic } from './atomic-file.ts';
import {
  emptyStore,
  parseStoreFile,
  STORE_FILE_NAME,
  type StoreData,
  serialiseStore,
  storageError,
} from './store-file.ts';

export interface Store {
  /** Absolute path of `connections.json`. */
  readonly path: string;
  listConnections(): Promise<ConnectionConfig[]>;
  getConnection(id: string): Promise<ConnectionConfig | null>;
  /**
   * Inserts, or replaces the connection with the same id in place. `lastConnectedAt` is the
   * store's own record, so a config without one (an edit from the form) keeps the stored one.
   */
  saveConnection(config: ConnectionConfig): Promise<void>;
  /** Resolves false when there was no such connection. */
  deleteConnection(id: string): Promise<boolean>;
  /** Sets `lastConnectedAt`; resolves false (and writes nothing) for an unsaved connection. */
  touchConnection(id: string, isoTime: string): Promise<boolean>;
  listGroups(): Promise<ConnectionGroup[]>;
  saveGroup(group: ConnectionGroup): Promise<void>;
  /** Its connections become ungrouped; its subgroups move up to its parent. */
  deleteGroup(id: string): Promise<boolean>;
}

/**
 * Opens the store kept in `<dataDir>/connections.json`. Nothing is read or created yet: a
 * missing file is an empty store, and the directory and file appear on the first write.
 * Every operation reads the file afresh, so a corrupt file is reported by each of them and a
 * repaired one is picked up without reopening.
 */
export async function openStore(dataDir: string): Promise<Store> {
  const path = join(resolve(dataDir), STORE_FILE_NAME);
  await removeStrayTempFiles(path);

  const read = () => inTurn(path, () => load(path));

  /** Reads, applies `change`, and writes only if it says something changed. */
  const update = <T>(change: (data: StoreData) => { changed: boolean; result: T }) =>
    inTurn(path, async () => {
      const data = await load(path);
      const { changed, result } = change(data);
      if (changed) await save(path, data);
      return result;
    });

  return {
    path,
    listConnections: async () => (await read()).connections,
    getConnection: async (id) => (await read()).connections.find((c) => c.id === id) ?? null,
    saveConnection: async (input) => {
      // Parsing again strips whatever is not in the schema (a password above all).
      const config = validate(input);
      return update((data) => {
        const index = data.connections.findIndex((c) => c.id === config.id);
        const lastConnectedAt = config.lastConnectedAt ?? data.connections[index]?.lastConnectedAt;
        const stored = lastConnectedAt ? { ...config, lastConnectedAt } : config;
        if (index === -1) data.connections.push(stored);
        else data.connections[index] = stored;
        return { changed: true, result: undefined };
      });
    },
    deleteConnection: (id) =>
      update((data) => {
        const before = data.connections.length;
        data.connections = data.connections.filter((c) => c.id !== id);
        const changed = data.connections.length !== before;
        return { changed, result: changed };
      }),
    touchConnection: (id, isoTime) =>
      update((data) => {
        const index = data.connections.findIndex((c) => c.id === id);
        const current = data.connections[index];
        if (!current) return { changed: false, result: false };
        data.connections[index] = validate({ ...current, lastConnectedAt: isoTime });
        return { changed: true, result: true };
      }),
    listGroups: async () => (await read()).groups,
    saveGroup: async (input) => {
      const group = validateGroup(input);
      return update((data) => {
        const index = data.groups.findIndex((g) => g.id === group.id);
        if (index === -1) data.groups.push(group);
        else data.groups[index] = group;
        return { changed: true, result: undefined };
      });
    },
    deleteGroup: (id) =>
      update((data) => {
        const group = data.groups.find((g) => g.id === id);
        if (!group) return { changed: false, result: false };
        data.groups = data.groups
          .filter((g) => g.id !== id)
          .map((g) => {
            if (g.parentId !== id) return g;
            const { parentId: _, ...rest } = g;
            return group.parentId ? { ...rest, parentId: group.parentId } : rest;
          });
        data.connections = data.connections.map((c) => {
          if (c.groupId !== id) return c;
          const { groupId: _, ...ungrouped } = c;
          return ungrouped;
        });
        return { changed: true, result: true };
      }),
  };
}

async function load(path: string): Promise<StoreData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return emptyStore();
    throw storageError(path, `cannot be read (${(error as Error).message})`, error);
  }
  return parseStoreFile(text, path);
}

async function save(path: string, data: StoreData): Promise<void> {
  try {
    await writeFileAtomic(path, serialiseStore(data));
  } catch (error) {
    if (error instanceof TuskError) throw error;
    throw storageError(
      path,
      `cannot be saved (${(error as Error).message}); the previous version is unchanged`,
      error,
    );
  }
}

// One queue per file, shared by every Store on it in this process, so two stores opened on the
// same directory cannot interleave a read-modify-write and lose an update.
const queues = new Map<string, Promise<unknown>>();

function inTurn<T>(path: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(path) ?? Promise.resolve()).then(task);
  const settled = run.then(
    () => {},
    () => {},
  );
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return run;
}
