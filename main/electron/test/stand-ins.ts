import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent } from 'electron';
import type { EventFrame, Reply } from '../../../machines/ipc.ts';
import type { ElectronHostDeps, Page } from '../host.ts';

/*
 * Stand-ins for the parts of Electron the host talks to: its binary cannot be downloaded here,
 * so these keep what they are given, for a test to drive and read. Everything behind them (the
 * service, the demo, PostgreSQL, the keyring) is real.
 */

type Handler = (event: IpcMainInvokeEvent, args: unknown) => Promise<Reply> | Reply;

/** ipcMain: keeps the handlers registered, refuses a second one for a channel as Electron does. */
export function ipcMainStandIn() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handlers,
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  };
  return ipcMain as typeof ipcMain & ElectronHostDeps['ipcMain'];
}

/** An invoke event from a frame at `url` (a top frame unless a parent is given). */
export const from = (url: string, parent: unknown = null) =>
  ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

/**
 * app: `quit()` emits `before-quit` as Electron does, and records whether a listener prevented
 * it; a quit nobody prevented is where Electron would end the process.
 */
export function appStandIn() {
  const app = Object.assign(new EventEmitter(), {
    quits: [] as { prevented: boolean }[],
    quit() {
      const event = {
        defaultPrevented: false,
        preventDefault() {
          event.defaultPrevented = true;
        },
      };
      app.emit('before-quit', event);
      app.quits.push({ prevented: event.defaultPrevented });
    },
  });
  return app as typeof app & ElectronHostDeps['app'];
}

export const powerMonitorStandIn = () =>
  new EventEmitter() as EventEmitter & ElectronHostDeps['powerMonitor'];

/** A window's webContents: `load()` is a page load finishing; what is sent is kept. */
export function pageStandIn() {
  const page = Object.assign(new EventEmitter(), {
    channels: new Set<string>(),
    frames: [] as EventFrame[],
    destroyed: false,
    send(channel: string, frame: EventFrame) {
      page.channels.add(channel);
      page.frames.push(structuredClone(frame));
    },
    isDestroyed: () => page.destroyed,
    load: () => page.emit('did-finish-load'),
  });
  return page as typeof page & Page;
}
