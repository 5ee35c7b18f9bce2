import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('web_secret');
// Distinctive, so a match anywhere is this password and nothing else.
const SECRET = `Tusk-WEB-PW-${randomUUID()}`;
const WRONG = `Tusk-WEB-WRONG-${randomUUID()}`;
let proxy: FaultProxy | undefined;
beforeAll(() => server.createRole(role, SECRET));
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

it('the password of a saved connection is in no frame the host sends, through connect, loss, error and retry', async () => {
  const { host } = await startHost();
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const watcher = await rawClient(ipcUrl(host));
  const client = await rawClient(ipcUrl(host));
  const statuses = () =>
    (watcher.events('connection:status') as { connectionId: string; status: string }[]).map(
      (e) => e.status,
    );
  const target = { ...server, host: proxy.host, port: proxy.port, user: role };
  const config = configFor(target, {
    passwordInKeyring: true,
    options: { maxReconnectAttempts: 2 },
  });
  const ok = async (command: string, args: unknown) => {
    const reply = await client.request(command, args);
    expect(reply.ok, `${command}: ${JSON.stringify(reply)}`).toBe(true);
    return reply;
  };

  await ok('save_connection', { config, password: SECRET });
  await ok('list_connections', {});
  await ok('test_connection', { config });
  await ok('connect', { config });
  await ok('get_views', {});
  await ok('query', { connectionId: config.id, sql: 'select current_user' });
  expect((await client.request('query', { connectionId: config.id, sql: 'selec 1' })).ok).toBe(
    false,
  );

  // reconnecting, then connected again; then reconnecting that gives up: error
  await server.terminate({ applicationName: config.options.applicationName });
  await until('connected again', () => statuses().filter((s) => s === 'connected').length === 2);
  await proxy.setMode('reset');
  await until('error', () => statuses().includes('error'), 10_000);
  await ok('get_views', {});
  await proxy.setMode('pass');
  await ok('retry', { connectionId: config.id });
  await until(
    'connected after retry',
    () => statuses().filter((s) => s === 'connected').length === 3,
  );

  // Connects that fail, each given a password.
  const failing = [
    configFor({ ...server, user: role }),
    configFor({ ...server, user: role, database: uniqueName('nodb') }),
  ];
  for (const [i, failed] of failing.entries()) {
    const reply = await client.request('connect', { config: failed, password: i ? SECRET : WRONG });
    expect(reply.ok).toBe(false);
    await ok('test_connection', { config: failed, password: i ? SECRET : WRONG });
  }
  await ok('disconnect', { connectionId: config.id });
  await ok('delete_connection', { connectionId: config.id });
  await ok('get_views', {});

  expect([...new Set(statuses())].sort()).toEqual([
    'connected',
    'connecting',
    'disconnected',
    'error',
    'reconnecting',
  ]);
  const frames = [...watcher.frames, ...client.frames];
  expect(frames.length).toBeGreaterThan(40);
  const leaks = frames.filter((f) => f.includes(SECRET) || f.includes(WRONG));
  expect(leaks.map((f) => f.slice(0, 300))).toEqual([]);
});
