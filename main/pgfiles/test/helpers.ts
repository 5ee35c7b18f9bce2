import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ConnectionConfig, ConnectionGroup } from '../../../machines/config.ts';
import type { ImportSink } from '../import.ts';
import type { PgFilesContext } from '../locations.ts';

/** A fresh home directory with nothing in it and an environment of only what the test sets. */
export async function tempHome(env: NodeJS.ProcessEnv = {}): Promise<
  PgFilesContext & {
    write(name: string, text: string, mode?: number): Promise<string>;
  }
> {
  const home = await mkdtemp(join(tmpdir(), 'tusk-home-'));
  onTestFinished(() => rm(home, { recursive: true, force: true }));
  return {
    home,
    env: { USER: 'tester', ...env },
    async write(name, text, mode = 0o600) {
      const path = join(home, name);
      await writeFile(path, text);
      await chmod(path, mode);
      return path;
    },
  };
}

/** The service's store and keyring as plain maps: what an import wrote, to look at. */
export function memorySink() {
  const connections = new Map<string, ConnectionConfig>();
  const passwords = new Map<string, string>();
  const groups: ConnectionGroup[] = [];
  const sink: ImportSink = {
    listGroups: async () => [...groups],
    saveGroup: async (group) => void groups.push(group),
    listConnections: async () => [...connections.values()].map((config) => ({ config })),
    saveConnection: async (config, password) => {
      connections.set(config.id, config);
      if (password !== undefined) passwords.set(config.id, password);
    },
  };
  return { sink, connections, passwords, groups };
}
