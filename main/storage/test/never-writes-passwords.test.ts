import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import { openStore } from '../index.ts';
import { connection, freshDataDir } from './helpers.ts';

const secret = 'hunter2-do-not-store';

describe('passwords never reach the file', () => {
  it('drops a password carried by a config, at the top and in the SSH tunnel', async () => {
    const store = await openStore(await freshDataDir());
    const config = connection({
      sshTunnel: { enabled: true, host: 'bastion', username: 'tunnel', auth: 'password' },
    });
    const carrying = {
      ...config,
      password: secret,
      sshTunnel: { ...config.sshTunnel, password: secret },
    } as ConnectionConfig;
    await store.saveConnection(carrying);

    const text = await readFile(store.path, 'utf8');
    expect(text).not.toContain(secret);
    const [written] = JSON.parse(text).connections;
    expect(written).not.toHaveProperty('password');
    expect(written.sshTunnel).not.toHaveProperty('password');
    expect(await store.getConnection(config.id)).toEqual(config);
  });

  it('removes a password someone typed into the file when it is next written', async () => {
    const store = await openStore(await freshDataDir());
    const config = connection();
    await store.saveConnection(config);
    const file = JSON.parse(await readFile(store.path, 'utf8'));
    file.connections[0].password = secret;
    await writeFile(store.path, JSON.stringify(file));

    expect(await store.getConnection(config.id)).not.toHaveProperty('password');
    await store.touchConnection(config.id, new Date().toISOString());
    expect(await readFile(store.path, 'utf8')).not.toContain(secret);
  });
});
