import { randomUUID } from 'node:crypto';
import type { IpcMainInvokeEvent } from 'electron';
import { beforeAll, expect, it, onTestFinished } from 'vitest';
import { type CommandName, commandArgs, type Reply } from '../../../machines/ipc.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { commandTable, createDispatcher } from '../../ipc/index.ts';
import { configFor, startService } from '../../test/helpers.ts';
import { createConnectionViews, createViewStream } from '../../views/index.ts';
import { APP_PAGE, channelOf, registerIpc } from '../ipc.ts';

const server = sharedServer();
const role = uniqueName('electron_user');
const PASSWORD = `electron-${randomUUID()}`;
beforeAll(() => server.createRole(role, PASSWORD));

type Handler = (event: IpcMainInvokeEvent, args: unknown) => Promise<Reply> | Reply;

/** A stand-in for Electron's ipcMain (whose binary cannot run here): it keeps what is registered. */
function ipcMainStandIn() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
}

const from = (url: string, parent: unknown = null) =>
  ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

async function setUp() {
  const { service } = await startService();
  const views = createConnectionViews(service.manager);
  const stream = createViewStream(views);
  onTestFinished(() => {
    stream.close();
    views.stop();
  });
  const ipcMain = ipcMainStandIn();
  const unregister = registerIpc(
    ipcMain as unknown as Parameters<typeof registerIpc>[0],
    createDispatcher({ service, views: stream }),
  );
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
  expect(await call('query', { connectionId: config.id, sql: 'select 2 as two' })).toMatchObject({
    rows: [{ two: 2 }],
  });
  // RETRY while connected changes nothing, and is answered.
  expect(await call('retry', { connectionId: config.id })).toBeNull();
  expect(await call('get_views', {})).toMatchObject({
    full: true,
    views: [{ id: config.id, status: 'connected' }],
  });
  expect(await call('disconnect', { connectionId: config.id })).toBeNull();
  expect(await call('delete_connection', { connectionId: config.id })).toBeNull();
  expect(await call('delete_group', { groupId: group.id })).toBeNull();
  expect(await call('list_connections', {})).toEqual([]);
  expect([...called].sort()).toEqual(Object.keys(commandTable).sort());

  // Those not bound yet answer, with a clear refusal, rather than "no handler registered".
  for (const command of ['open_session', 'close_session', 'cancel'] as const) {
    const args = command === 'open_session' ? { connectionId: randomUUID() } : { sessionId: 's' };
    const reply = await ipcMain.handlers.get(channelOf(command))!(own, args);
    expect(reply).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'command' } });
  }
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
