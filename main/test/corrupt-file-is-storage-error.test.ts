import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TuskError } from '../../machines/errors.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { type ConnectionService, createConnectionService } from '../service.ts';
import { actorOf, configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();
const CORRUPT = '{"version": 1, "connections": [ {"id": "truncated';

function expectStorage(error: TuskError, path: string) {
  expect(error.kind).toBe('Storage');
  expect(error.path).toBe(path);
  expect(error.message).toContain(path);
}

/** Every operation on saved connections refuses the corrupt file, naming it. */
async function expectEveryStoreCallRefused(service: ConnectionService, path: string) {
  const config = configFor(server);
  const attempts = [
    service.listConnections(),
    service.saveConnection(config),
    service.deleteConnection(config.id),
    service.listGroups(),
    service.saveGroup({ id: config.id, name: 'group' }),
    service.deleteGroup(config.id),
  ];
  for (const error of await Promise.all(attempts.map(rejection))) expectStorage(error, path);
}

describe('a corrupt connections.json', () => {
  // The service starts anyway: the app can then show the error with the file's path next to the
  // connection list, ad-hoc connections still work, and since the store reads the file afresh on
  // every call, a repaired file is picked up without a restart. Refusing to start would leave
  // the user with no window to read the error in.
  it('found at start: the service starts, store calls are Storage errors naming the file, and it stays byte-identical', async () => {
    const { service: first, dataDir, credentials } = await startService();
    await first.close();
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, 'connections.json');
    await writeFile(path, CORRUPT);
    const before = await readFile(path);

    const service = await createConnectionService({ dataDir, credentials });
    try {
      await expectEveryStoreCallRefused(service, path);
      expect((await readFile(path)).equals(before)).toBe(true);

      // Ad-hoc connections do not need the file.
      const adHoc = configFor(server);
      await expect(service.connect(adHoc, { password: server.password })).resolves.toMatchObject({
        id: adHoc.id,
      });
      expect((await readFile(path)).equals(before)).toBe(true);

      // Repaired by hand: picked up without a restart, with an actor for its connection.
      const saved = configFor(server);
      await writeFile(path, JSON.stringify({ version: 1, connections: [saved], groups: [] }));
      const listed = await service.listConnections();
      expect(listed.map((c) => c.config.id)).toEqual([saved.id]);
      expect(actorOf(service, saved.id)).toBeDefined();
    } finally {
      await service.close();
    }
  });

  it('corrupted while the service runs: connect still succeeds, writes are refused, the file is left alone', async () => {
    const { service, dataDir } = await startService();
    const config = configFor(server, { passwordInKeyring: true });
    await service.saveConnection(config, server.password);
    const path = join(dataDir, 'connections.json');
    await writeFile(path, CORRUPT);
    const before = await readFile(path);

    // Recording lastConnectedAt is a nicety: it must not turn an open connection into a failure.
    await expect(service.connect(config)).resolves.toMatchObject({ id: config.id });
    expect(await service.getConnectionStatus(config.id)).toBe('connected');

    await expectEveryStoreCallRefused(service, path);
    expect((await readFile(path)).equals(before)).toBe(true);
  });

  it('a deleteConnection refused by a corrupt file leaves the password in the keyring', async () => {
    const { service, dataDir, credentials } = await startService();
    const config = configFor(server, { passwordInKeyring: true });
    await service.saveConnection(config, server.password);
    const path = join(dataDir, 'connections.json');
    await writeFile(path, CORRUPT);

    expectStorage(await rejection(service.deleteConnection(config.id)), path);

    // The config is still saved, so its password must still be there once the file is repaired.
    expect(await credentials.getPassword(config.id)).toBe(server.password);
  });
});
