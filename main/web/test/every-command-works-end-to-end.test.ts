import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { commandArgs } from '../../../machines/ipc.ts';
import type { ConnectionView, ViewsPayload } from '../../../machines/views.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { commandTable } from '../../ipc/index.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('web_user');
const PASSWORD = `web-${randomUUID()}`;
beforeAll(() => server.createRole(role, PASSWORD));

const statusOf = (views: ViewsPayload[], id: string) => {
  let status: string | undefined;
  for (const p of views) {
    const list: ConnectionView[] = p.full ? p.views : p.changed;
    status = list.find((v) => v.id === id)?.status ?? status;
  }
  return status;
};

it('every command of the table, over the WebSocket, against the real server', async () => {
  const { host, service } = await startHost();
  const client = await rawClient(ipcUrl(host));
  const used = new Set<string>();
  const call = async (command: string, args?: unknown) => {
    used.add(command);
    const reply = await client.request(command, args);
    if (!reply.ok) throw new Error(`${command} failed: ${JSON.stringify(reply.error)}`);
    return reply.result as never;
  };
  const target = { ...server, user: role };
  const config = configFor(target, {
    passwordInKeyring: true,
    options: { maxReconnectAttempts: 0 },
  });
  const group = { id: randomUUID(), name: 'Web team' };

  expect(await call('save_group', { group })).toBeNull();
  expect(await call('list_groups', {})).toEqual([group]);
  expect(await call('save_connection', { config, password: PASSWORD })).toBeNull();
  expect(await call('list_connections', {})).toEqual([{ config, status: 'disconnected' }]);

  const tested = (await call('test_connection', { config })) as {
    success: boolean;
    stages: { name: string; ok: boolean }[];
  };
  expect(tested.success).toBe(true);
  expect(tested.stages.length).toBeGreaterThan(1);
  expect(tested.stages.every((s) => s.ok)).toBe(true);

  const info = (await call('connect', { config })) as Record<string, unknown>;
  expect(info).toMatchObject({
    id: config.id,
    currentUser: role,
    currentDatabase: server.database,
    host: server.host,
    port: server.port,
  });
  expect(await call('get_connection_status', { connectionId: config.id })).toBe('connected');
  const result = (await call('query', {
    connectionId: config.id,
    sql: 'select $1::int + 1 as n, now() as at',
    params: [41],
  })) as { rows: { n: number; at: unknown }[]; rowCount: number; fields: { name: string }[] };
  expect(result.rows[0]!.n).toBe(42);
  expect(typeof result.rows[0]!.at).toBe('string');
  expect(result.fields.map((f) => f.name)).toEqual(['n', 'at']);

  // Lost with no auto-reconnect: error; RETRY connects again.
  await server.terminate({ applicationName: config.options.applicationName });
  await until(
    'error',
    () => statusOf(client.events('connection:views') as ViewsPayload[], config.id) === 'error',
  );
  expect(await call('retry', { connectionId: config.id })).toBeNull();
  await until(
    'connected again',
    () =>
      (client.events('connection:status') as { status: string }[]).filter(
        (e) => e.status === 'connected',
      ).length === 2,
  );

  const views = (await call('get_views', {})) as ViewsPayload;
  expect(views.full).toBe(true);
  const view = (views as { views: ConnectionView[] }).views.find((v) => v.id === config.id)!;
  expect(view.status).toBe('connected');
  expect(view.transitions.some((t) => t.event === 'RETRY')).toBe(true);

  expect(await call('disconnect', { connectionId: config.id })).toBeNull();
  expect(await call('get_connection_status', { connectionId: config.id })).toBe('disconnected');
  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  expect(await call('delete_connection', { connectionId: config.id })).toBeNull();
  expect(await call('list_connections', {})).toEqual([]);
  expect(await call('delete_group', { groupId: group.id })).toBeNull();
  expect(await call('list_groups', {})).toEqual([]);
  expect(await service.listConnections()).toEqual([]);

  // Every command the table binds was called here.
  expect([...used].sort()).toEqual(Object.keys(commandTable).sort());
});

it('a service error crosses as TuskError JSON; a contract command not bound yet is refused as not available', async () => {
  const { host } = await startHost();
  const client = await rawClient(ipcUrl(host));

  expect(await client.request('retry', { connectionId: randomUUID() })).toMatchObject({
    ok: false,
    error: { kind: 'NotConnected', message: 'Unknown connection' },
  });
  const bad = await client.request('query', { connectionId: randomUUID(), sql: 'select 1' });
  expect(bad).toMatchObject({ ok: false, error: { kind: 'NotConnected' } });

  const unbound = Object.keys(commandArgs).filter((c) => !(c in commandTable));
  // demo_fault is bound by the app start that runs a demo (main/app/demo-command.ts), not here.
  expect(unbound.sort()).toEqual(['cancel', 'close_session', 'demo_fault', 'open_session']);
  for (const command of unbound) {
    const args = command === 'open_session' ? { connectionId: randomUUID() } : { sessionId: 's' };
    expect(await client.request(command, args)).toMatchObject({
      ok: false,
      error: {
        kind: 'InvalidInput',
        field: 'command',
        message: expect.stringMatching(/not available/),
      },
    });
  }
});
