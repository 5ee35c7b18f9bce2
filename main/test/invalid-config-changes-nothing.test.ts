import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, recordStatuses, rejection, startService } from './helpers.ts';

const server = sharedServer();

const valid = () => {
  const { lastConnectedAt: _, ...config } = configFor(server);
  return config;
};

// One broken rule per case; the field the error names is the one that was broken.
const invalid: [what: string, field: string, config: () => Record<string, unknown>][] = [
  ['an empty host', 'host', () => ({ ...valid(), host: '' })],
  ['a host with whitespace', 'host', () => ({ ...valid(), host: 'db .example' })],
  ['port 0', 'port', () => ({ ...valid(), port: 0 })],
  ['port 65536', 'port', () => ({ ...valid(), port: 65536 })],
  ['an empty database', 'database', () => ({ ...valid(), database: '  ' })],
  ['no username', 'username', () => ({ ...valid(), username: undefined })],
  ['an id that is not a UUID', 'id', () => ({ ...valid(), id: 'conn-1' })],
  ['an unknown SSL mode', 'sslMode', () => ({ ...valid(), sslMode: 'sometimes' })],
  [
    'verify-full without a CA certificate',
    'sslCaCert',
    () => ({ ...valid(), sslMode: 'verify-full' }),
  ],
  [
    'an enabled SSH tunnel without a host',
    'sshTunnel.host',
    () => ({ ...valid(), sshTunnel: { enabled: true, username: 'me', auth: 'agent' } }),
  ],
  [
    'SSH key auth without a key path',
    'sshTunnel.keyPath',
    () => ({ ...valid(), sshTunnel: { enabled: true, host: 'h', username: 'me', auth: 'key' } }),
  ],
  [
    'poolMax 0',
    'options.poolMax',
    () => ({ ...valid(), options: { ...valid().options, poolMax: 0 } }),
  ],
  [
    'a negative statement timeout',
    'options.statementTimeoutMs',
    () => ({ ...valid(), options: { ...valid().options, statementTimeoutMs: -1 } }),
  ],
];

describe('an invalid config', () => {
  it.each(invalid)(
    'with %s is InvalidInput from connect and saveConnection, and no actor, event or file appears',
    async (_what, field, make) => {
      const { service, dataDir } = await startService();
      const events = recordStatuses(service);
      const config = make();
      const file = join(dataDir, 'connections.json');

      const fromConnect = await rejection(service.connect(config, { password: server.password }));
      const fromSave = await rejection(service.saveConnection(config, 'never-stored'));

      for (const error of [fromConnect, fromSave]) {
        expect(error.kind).toBe('InvalidInput');
        expect(error.field).toBe(field);
        expect(error.message).toContain(field);
      }
      expect(Object.keys(service.manager.getSnapshot().context.statuses)).toEqual([]);
      if (typeof config.id === 'string') expect(actorOf(service, config.id)).toBeUndefined();
      expect(events).toEqual([]);
      await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await service.listConnections()).toEqual([]);
    },
  );

  it('leaves an existing file byte-identical and its saved connection untouched', async () => {
    const { service, dataDir } = await startService();
    const saved = configFor(server);
    await service.saveConnection(saved);
    const file = join(dataDir, 'connections.json');
    const before = await readFile(file);

    // The same id with a broken port must not replace the saved connection.
    const error = await rejection(service.saveConnection({ ...saved, port: 0 }));

    expect(error).toMatchObject({ kind: 'InvalidInput', field: 'port' });
    expect((await readFile(file)).equals(before)).toBe(true);
    expect(actorOf(service, saved.id)?.getSnapshot().context.config.port).toBe(server.port);
  });

  it('is refused before the keyring is touched: no password is stored for it', async () => {
    const { service, credentials } = await startService();
    const id = randomUUID();

    await rejection(service.saveConnection({ ...valid(), id, host: '' }, 'not-for-keeping'));

    expect(await credentials.getPassword(id)).toBeNull();
  });

  it('a connect password that is not text is InvalidInput, and no actor appears', async () => {
    const { service } = await startService();
    const config = valid();

    const error = await rejection(service.connect(config, { password: 42 } as never));

    expect(error).toMatchObject({ kind: 'InvalidInput' });
    expect(actorOf(service, config.id)).toBeUndefined();
  });
});
