import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { type SocketServer, startSocketPostgres } from '../../../test/harness/socket.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  recordStatuses,
  sessionOf,
  startConnection,
} from './fixtures.ts';

let local: SocketServer;
beforeAll(async () => {
  local = await startSocketPostgres();
});
afterAll(() => local?.dispose());
const { effects, actors } = effectsPerTest();

it('connects over a Unix socket in plain text whatever the sslMode, pings, and reconnects', async () => {
  const { server, socketDir } = local;
  // libpq ignores sslmode over a Unix socket: require must not make the connect fail.
  const config = configFor(server, {
    host: socketDir,
    sslMode: 'require',
    options: { keepaliveIntervalSec: 1, poolMax: 3 },
  });
  const actor = startConnection(effects(), config, { password: server.password, actors });
  const snapshot = await connected(actor);
  expect(snapshot.context.server).toMatchObject({ host: socketDir, port: server.port, ssl: false });
  await runQuery(sessionOf(effects(), config), 'select 1');
  const applicationName = config.options.applicationName;
  const { rows } = await server
    .admin()
    .query('select client_addr, client_port from pg_stat_activity where application_name = $1', [
      applicationName,
    ]);
  expect(rows.length).toBeGreaterThanOrEqual(2);
  // A Unix-socket backend has no client address; -1 is its port.
  expect(rows.every((r) => r.client_addr === null && r.client_port === -1)).toBe(true);

  await waitFor(actor, (s) => s.context.keepalive.pings >= 2, { timeout: 10_000 });

  const statuses = recordStatuses(actor);
  await server.terminate({ applicationName });
  await expect
    .poll(statuses.statuses, { timeout: 10_000 })
    .toEqual(['connected', 'reconnecting', 'connected']);
  statuses.stop();
  expect(actor.getSnapshot().context.server?.host).toBe(socketDir);
  await runQuery(sessionOf(effects(), config), 'select 1');
  await disconnected(actor);
  expect(await server.backends({ applicationName })).toEqual([]);
});

it('cancels a running statement over the socket when disconnecting', async () => {
  const { server, socketDir } = local;
  const config = configFor(server, { host: socketDir, options: { poolMax: 2 } });
  const actor = startConnection(effects(), config, { password: server.password, actors });
  await connected(actor);
  const running = runQuery(sessionOf(effects(), config), 'select pg_sleep(30)').catch(
    (error: unknown) => error,
  );
  const applicationName = config.options.applicationName;
  await expect
    .poll(async () =>
      (await server.backends({ applicationName })).some((b) => b.state === 'active'),
    )
    .toBe(true);
  await disconnected(actor);
  // The CancelRequest reached the backend through the socket: the server cancelled it (57014)
  // rather than the socket being destroyed after the grace period.
  expect(await running).toMatchObject({ code: '57014' });
});
