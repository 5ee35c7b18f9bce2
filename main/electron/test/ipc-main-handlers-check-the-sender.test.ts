import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { beforeAll, expect, it, onTestFinished } from 'vitest';
import { type CommandName, commandArgs, type ImportedConnections } from '../../../machines/ipc.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { commandTable, createDispatcher } from '../../ipc/index.ts';
import { configFor, startService } from '../../test/helpers.ts';
import { createConnectionViews, createViewStream } from '../../views/index.ts';
import { APP_PAGE, channelOf, registerIpc } from '../ipc.ts';
import { from, ipcMainStandIn } from './stand-ins.ts';

const server = sharedServer();
const role = uniqueName('electron_user');
const PASSWORD = `electron-${randomUUID()}`;
beforeAll(() => server.createRole(role, PASSWORD));

async function setUp() {
  // libpq's files and PG* variables from a home of the test's own, never the real one.
  const home = await mkdtemp(join(tmpdir(), 'tusk-electron-home-'));
  onTestFinished(() => rm(home, { recursive: true, force: true }));
  await writeFile(join(home, '.pg_service.conf'), `[desk]\nhost=${server.host}\ndbname=desk\n`);
  const env = { PGHOST: server.host, PGDATABASE: 'env_db', PGUSER: role };
  const { service } = await startService({ pgFiles: { env, home } });
  const views = createConnectionViews(service.manager);
  const stream = createViewStream(views);
  onTestFinished(() => {
    stream.close();
    views.stop();
  });
  const ipcMain = ipcMainStandIn();
  const unregister = registerIpc(ipcMain, createDispatcher({ service, views: stream }));
  return { service, ipcMain, unregister };
}

it('registers tusk:<command> for every command of the contract, and every handler works against the real server', async () => {
  const { ipcMain, unregister } = await setUp();
  const commands = Object.keys(commandArgs) as CommandName[];
  expect([...ipcMain.handlers.keys()].sort()).toEqual(commands.map(channelOf).sort());

  const own = from(APP_PAGE);
  const called = new Set<string>();
  const call = async (command: CommandName, args: unknown) => {
    called.add(command);
    const reply = await ipcMain.handlers.get(channelOf(command))!(own, args);
    if (!reply.ok) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  };
  const config = configFor({ ...server, user: role }, { passwordInKeyring: true });
  const group = { id: randomUUID(), name: 'Desk' };

  expect(await call('save_group', { group })).toBeNull();
  expect(await call('list_groups', {})).toEqual([group]);
  expect(await call('save_connection', { config, password: PASSWORD })).toBeNull();
  expect(await call('list_connections', {})).toEqual([{ config, status: 'disconnected' }]);
  expect(await call('test_connection', { config })).toMatchObject({ success: true });
  expect(await call('connect', { config })).toMatchObject({ id: config.id, currentUser: role });
  expect(await call('get_connection_status', { connectionId: config.id })).toBe('connected');
  // Host keys are an SSH tunnel's (main/ssh/test has the real accept); without one, refused.
  called.add('accept_host_key');
  expect(
    await ipcMain.handlers.get(channelOf('accept_host_key'))!(own, {
      connectionId: config.id,
      fingerprint: `SHA256:${'A'.repeat(43)}`,
    }),
  ).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'connectionId' } });
  // A keepalive ping now; the connection stays connected.
  expect(await call('wake', { connectionId: config.id })).toBeNull();
  // The page came back online: every connection pings now.
  expect(await call('wake_all', { cause: 'online' })).toBeNull();
  expect(await call('query', { connectionId: config.id, sql: 'select 2 as two' })).toMatchObject({
    rows: [{ two: 2 }],
  });
  // RETRY while connected changes nothing, and is answered.
  expect(await call('retry', { connectionId: config.id })).toBeNull();
  expect(await call('get_views', {})).toMatchObject({
    full: true,
    views: [{ id: config.id, status: 'connected' }],
  });
  const history = (await call('get_history', { connectionId: config.id })) as { to: string }[];
  expect(history.at(-1)?.to).toMatch(/^connected/);
  // The wake's ping may add records in between: the later answer holds at least these.
  expect(await call('list_history', { since: 0 })).toMatchObject([
    { connectionId: config.id, records: expect.arrayContaining(history) },
  ]);
  expect(
    await call('parse_connection_string', { text: 'host=a,b port=1,2 dbname=x' }),
  ).toMatchObject({ config: { host: 'a', port: 1, database: 'x' } });
  expect(await call('export_connection_url', { connectionId: config.id })).toMatchObject({
    url: expect.stringContaining(`${server.host}:${server.port}`),
  });
  const imported = [
    (await call('import_service_file', {})) as ImportedConnections,
    (await call('import_from_env', {})) as ImportedConnections,
  ];
  expect(imported.flatMap((i) => i.connections.map((c) => c.database)).sort()).toEqual([
    'desk',
    'env_db',
  ]);
  for (const { connections, groups } of imported) {
    for (const c of connections) await call('delete_connection', { connectionId: c.id });
    for (const g of groups) await call('delete_group', { groupId: g.id });
  }
  const { sessionId } = (await call('open_session', { connectionId: config.id })) as {
    sessionId: string;
  };
  await call('query', { connectionId: config.id, sql: 'set statement_timeout = 1234', sessionId });
  expect(
    await call('query', { connectionId: config.id, sql: 'show statement_timeout', sessionId }),
  ).toMatchObject({ rows: [{ statement_timeout: '1234ms' }] });
  expect(
    await call('plan_sql', { connectionId: config.id, sql: 'update t set x = 1' }),
  ).toMatchObject({ statements: [{ command: 'UPDATE', changes: true, unfiltered: true }] });
  expect(
    await call('run_script', {
      connectionId: config.id,
      sql: 'show statement_timeout; select 1/0; select 3',
      sessionId,
    }),
  ).toMatchObject({
    steps: [{ ok: true, result: { rows: [{ statement_timeout: '1234ms' }] } }, { ok: false }],
    stoppedAt: 1,
  });
  // Nothing runs: the cancel is answered all the same.
  expect(await call('cancel', { sessionId })).toBeNull();
  expect(await call('close_session', { sessionId })).toBeNull();
  expect(await call('disconnect', { connectionId: config.id })).toBeNull();
  expect(await call('delete_connection', { connectionId: config.id })).toBeNull();
  expect(await call('delete_group', { groupId: group.id })).toBeNull();
  expect(await call('list_connections', {})).toEqual([]);
  expect([...called].sort()).toEqual(Object.keys(commandTable).sort());

  // One not bound here (the demo's) answers with a clear refusal, not "no handler registered".
  const demo = await ipcMain.handlers.get(channelOf('demo_fault'))!(own, {
    connectionId: randomUUID(),
    fault: 'terminate',
  });
  expect(demo).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'command' } });
  // Args are checked at run time here too: the renderer is untrusted.
  const extra = await ipcMain.handlers.get('tusk:list_groups')!(own, { all: true });
  expect(extra).toMatchObject({ ok: false, error: { kind: 'InvalidInput' } });

  unregister();
  expect(ipcMain.handlers.size).toBe(0);
});

it('a sender frame that is not the app page is refused before the command runs', async () => {
  const { service, ipcMain } = await setUp();
  const save = ipcMain.handlers.get('tusk:save_connection')!;
  const foreign = [
    from('https://evil.example/index.html'),
    from('tusk://app/index.html', { url: APP_PAGE }),
    from('tusk://other/index.html'),
    from('tusk://app/elsewhere.html'),
    from('file:///index.html'),
    from('not a url'),
    { senderFrame: null } as unknown as IpcMainInvokeEvent,
  ];
  for (const event of foreign) {
    const reply = await save(event, { config: configFor(server) });
    expect(reply, String(event.senderFrame?.url)).toMatchObject({
      ok: false,
      error: { kind: 'InvalidInput', field: 'sender' },
    });
  }
  expect(await service.listConnections()).toEqual([]);
  // The app's own page, with a query or fragment, is still itself.
  expect(await save(from(`${APP_PAGE}?x=1#y`), { config: configFor(server) })).toMatchObject({
    ok: true,
  });
});
