import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import type { CommandName, EventFrame } from '../../../machines/ipc.ts';
import type { ConnectionStatusEvent } from '../../../machines/manager.machine.ts';
import { startAppCore } from '../../app/app-core.ts';
import { DEMO_NAME } from '../../app/demo.ts';
import { freshAppDir, listeningPorts, processesIn } from '../../app/test/helpers.ts';
import { NO_KEYRING_NOTICE } from '../../credentials/open-store.ts';
import { startElectronHost } from '../host.ts';
import { APP_PAGE, channelOf, EVENT_CHANNEL } from '../ipc.ts';
import { appStandIn, from, ipcMainStandIn, pageStandIn, powerMonitorStandIn } from './stand-ins.ts';

/** A machine with no Secret Service, as a fresh desktop container is: the bus is not there. */
function withoutSecretService() {
  const before = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/tusk-no-session-bus';
  onTestFinished(() => {
    if (before === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = before;
  });
}

it('runs the app core behind ipcMain: the notice, the demo, a fault and its recovery, and a quit that leaves no process', async () => {
  withoutSecretService();
  const said: string[] = [];
  const core = await startAppCore(
    { dataDir: await freshAppDir(), demo: true },
    { say: (line) => said.push(line) },
  );
  onTestFinished(() => core.stop());
  expect(core.demo, said.join('\n')).toBeDefined();
  const demo = core.demo!;

  const ipcMain = ipcMainStandIn();
  const app = appStandIn();
  const powerMonitor = powerMonitorStandIn();
  const host = startElectronHost(core, {
    ipcMain,
    app,
    powerMonitor,
    isOnline: () => true,
    say: (line) => said.push(line),
  });
  const page = pageStandIn();
  host.attach(page);
  page.load();

  // The page hears, first, what the app start had to say, then every view, whole.
  expect(page.channels).toEqual(new Set([EVENT_CHANNEL]));
  expect(page.frames.slice(0, 2)).toEqual([
    { event: 'host:notice', payload: { level: 'warning', message: NO_KEYRING_NOTICE } },
    {
      event: 'connection:views',
      payload: {
        full: true,
        views: [
          expect.objectContaining({
            id: demo.connectionId,
            config: expect.objectContaining({ name: DEMO_NAME }),
            status: 'disconnected',
            demo: true,
          }),
        ],
      },
    },
  ]);

  const call = async (command: CommandName, args: unknown) => {
    const reply = await ipcMain.handlers.get(channelOf(command))!(from(APP_PAGE), args);
    if (!reply.ok) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  };
  const listed = (await call('list_connections', {})) as { config: ConnectionConfig }[];
  expect(listed.map((c) => c.config.id)).toEqual([demo.connectionId]);
  // The password is in memory (no keyring), so Connect works at once.
  await call('connect', { config: listed[0]!.config });

  // demo_fault is this app start's command, bound beside the shared table.
  await call('demo_fault', { connectionId: demo.connectionId, fault: 'terminate' });
  const statuses = () =>
    page.frames
      .filter((f): f is EventFrame & { payload: ConnectionStatusEvent } => {
        return f.event === 'connection:status';
      })
      .filter((f) => f.payload.connectionId === demo.connectionId)
      .map((f) => f.payload.status);
  await expect.poll(() => statuses().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  expect(statuses()).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  expect(powerMonitor.listenerCount('resume')).toBe(1);

  // Quit: Electron is held back until every pool and the demo server are gone, then let go.
  const postmaster = Number(
    readFileSync(join(demo.server.clusterDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  expect(existsSync(`/proc/${postmaster}`)).toBe(true);
  app.quit();
  expect(app.quits).toEqual([{ prevented: true }]);
  // A second quit while the first is under way (Ctrl-C twice) is held back too, and changes nothing.
  app.quit();
  await expect.poll(() => app.quits.length, { timeout: 20_000 }).toBe(3);
  expect(app.quits).toEqual([{ prevented: true }, { prevented: true }, { prevented: false }]);
  expect(existsSync(`/proc/${postmaster}`)).toBe(false);
  expect(processesIn(demo.server.clusterDir)).toEqual([]);
  const ports = listeningPorts();
  expect(ports.has(demo.server.port) || ports.has(demo.proxy.port)).toBe(false);
  expect(ipcMain.handlers.size).toBe(0);
  expect(powerMonitor.listenerCount('resume')).toBe(0);
  expect(said).toContain('tusk: quitting');

  // After the quit, a reload hears nothing: the host has let go of the page.
  const heard = page.frames.length;
  page.load();
  expect(page.frames).toHaveLength(heard);
});
