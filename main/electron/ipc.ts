import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { CommandName, Reply } from '../../machines/ipc.ts';
import { addCommandHandlers, type Dispatch } from '../ipc/index.ts';

/** The app's own page, served by main.ts from the renderer build; nothing else may call. */
export const APP_ORIGIN = 'tusk://app';
export const APP_PAGE = `${APP_ORIGIN}/index.html`;

/** Every command's channel carries one prefix (VS Code's `vscode:` idea). */
export const channelOf = (command: CommandName) => `tusk:${command}`;
/** Host → page events, as EventFrames on one channel. */
export const EVENT_CHANNEL = 'tusk:event';

type FrameLike = Pick<WebFrameMain, 'url' | 'parent'> | null;

/**
 * Only the app's page in its top frame: not an iframe inside it, not a page it was somehow
 * navigated to, not a frame that is already gone (senderFrame null).
 */
export function isOwnPage(frame: FrameLike): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN && url.pathname === '/index.html';
  } catch {
    return false;
  }
}

const refused: Reply = {
  ok: false,
  error: {
    kind: 'InvalidInput',
    field: 'sender',
    message: "Refused: the command did not come from the app's own page",
  },
};

/**
 * Registers `tusk:<command>` for every command of the contract on `ipcMain`, each checking its
 * sender frame and then going through the one dispatcher. Returns what removes them again.
 * Handlers resolve with a Reply, never reject: Electron would flatten a rejection to a message.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dispatch: Dispatch,
  isAllowed: (frame: FrameLike) => boolean = isOwnPage,
): () => void {
  const channels: string[] = [];
  addCommandHandlers(dispatch, (command, handle) => {
    const channel = channelOf(command);
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, args: unknown) =>
      isAllowed(event.senderFrame) ? handle(args) : refused,
    );
    channels.push(channel);
  });
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
