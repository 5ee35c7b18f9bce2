import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { type SocketServer, startSocketPostgres } from '../../test/harness/socket.ts';
import { actorOf, configFor, startService } from './helpers.ts';

const server = sharedServer();

describe('connect over several hosts', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    await proxy.setMode('refuse');
  });
  afterAll(() => proxy?.close());

  it('returns the host and port it reached, and the view’s server info has them', async () => {
    const { service } = await startService();
    const down = { host: proxy.host, port: proxy.port };
    const config = configFor(server, {
      ...down,
      hosts: [down, { host: server.host, port: server.port }],
    });
    const info = await service.connect(config, { password: server.password });
    expect(info).toMatchObject({ host: server.host, port: server.port });
    expect(actorOf(service, config.id)?.getSnapshot().context.server).toMatchObject({
      host: server.host,
      port: server.port,
    });
    await expect(service.query(config.id, 'select inet_server_port() as p')).resolves.toMatchObject(
      { rows: [{ p: server.port }] },
    );
  });
});

describe('a localhost line of ~/.pgpass', () => {
  let local: SocketServer;
  let home: string;
  beforeAll(async () => {
    local = await startSocketPostgres();
    home = await mkdtemp(join(tmpdir(), 'tusk-home-'));
    await writeFile(
      join(home, '.pgpass'),
      `localhost:${local.server.port}:*:${local.server.user}:${local.server.password}\n`,
    );
    await chmod(join(home, '.pgpass'), 0o600);
  });
  afterAll(async () => {
    await local?.dispose();
    await rm(home, { recursive: true, force: true });
  });

  it('serves a Unix-socket connection, as in libpq', async () => {
    const { service } = await startService({ pgFiles: { env: {}, home } });
    const config = configFor(local.server, { host: local.socketDir });
    const info = await service.connect(config);
    expect(info).toMatchObject({ host: local.socketDir, port: local.server.port });
    const test = await service.testConnection(config);
    expect(test).toMatchObject({ success: true, passwordSource: 'pgpass' });
    expect(test.stages.find((s) => s.name === 'tls')?.detail).toMatch(
      /not used over a Unix socket/,
    );
  });
});
