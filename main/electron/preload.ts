import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { commandArgs, type EventFrame, hostEventNames } from '../../machines/ipc.ts';

/**
 * The page's whole reach into the main process: `window.tusk.invoke(command, args)` and
 * `window.tusk.on(event, listener)`, for the contract's own commands and events only. No
 * ipcRenderer, no channel names, nothing else crosses the bridge. The main process checks the
 * args with the command's schema; here a name outside the contract throws at once.
 */
const commands = new Set(Object.keys(commandArgs));
const events = new Set<string>(hostEventNames);

contextBridge.exposeInMainWorld('tusk', {
  invoke(command: unknown, args: unknown) {
    if (typeof command !== 'string' || !commands.has(command)) {
      throw new Error(
        `window.tusk.invoke: unknown command ${JSON.stringify(String(command)).slice(0, 80)}`,
      );
    }
    return ipcRenderer.invoke(`tusk:${command}`, args);
  },
  on(event: unknown, listener: unknown) {
    if (typeof event !== 'string' || !events.has(event)) {
      throw new Error(
        `window.tusk.on: unknown event ${JSON.stringify(String(event)).slice(0, 80)}`,
      );
    }
    if (typeof listener !== 'function')
      throw new TypeError('window.tusk.on: listener must be a function');
    const relay = (_: IpcRendererEvent, frame: EventFrame) => {
      if (frame?.event === event) listener(frame.payload);
    };
    ipcRenderer.on('tusk:event', relay);
    return () => {
      ipcRenderer.removeListener('tusk:event', relay);
    };
  },
});
