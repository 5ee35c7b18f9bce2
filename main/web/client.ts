import type { RawData, WebSocket } from 'ws';
import type { HostEventName } from '../../machines/ipc.ts';
import type { ViewsPayload } from '../../machines/views.ts';
import { type Dispatch, runCommand } from '../ipc/index.ts';
import type { ViewStream } from '../views/index.ts';
import { parseFrame, replyFrame } from './frames.ts';

// The view stream hands every client the same delta object: serialise it once for all of them.
const serialised = new WeakMap<object, string>();
export function eventText(event: HostEventName, payload: object): string {
  let text = serialised.get(payload);
  if (text === undefined) {
    text = JSON.stringify({ event, payload });
    serialised.set(payload, text);
  }
  return text;
}

/** Unsent data a client may have queued before it is closed as one that does not read. */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** "Try Again Later": the transport reconnects by itself and starts from a full view. */
export const CLOSE_TOO_SLOW = 1013;
/** How long the close frame, behind the unsent data, waits to be read before the socket goes. */
const SLOW_CLOSE_GRACE_MS = 5_000;

/**
 * One browser client: each text frame is a request, answered in its own time (requests run
 * concurrently, replies carry their ids); the view stream starts with the whole set. A client
 * that stops reading (a frozen tab, a stalled machine) would make the host buffer every view for
 * it without bound: past `maxUnsentBytes` it gets nothing more and is closed (CLOSE_TOO_SLOW);
 * the others are untouched.
 */
export function serveClient(
  socket: WebSocket,
  host: { dispatch: Dispatch; stream: ViewStream; greeting: string[]; maxUnsentBytes?: number },
): void {
  const maxUnsent = host.maxUnsentBytes ?? MAX_UNSENT_BYTES;
  let dropped = false;
  let stopViews = () => {};
  const send = (text: string) => {
    if (dropped || socket.readyState !== socket.OPEN) return;
    socket.send(text);
    if (socket.bufferedAmount <= maxUnsent) return;
    dropped = true;
    stopViews();
    socket.close(CLOSE_TOO_SLOW, 'Too much unsent: reconnect for a full view');
    const cut = setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS);
    cut.unref();
    socket.once('close', () => clearTimeout(cut));
  };
  stopViews = host.stream.subscribe((payload: ViewsPayload) =>
    send(eventText('connection:views', payload)),
  );
  for (const text of host.greeting) send(text);

  socket.on('message', (data: RawData, isBinary: boolean) => {
    const parsed = isBinary
      ? ({
          ok: false,
          reply: {
            id: null,
            ok: false,
            error: {
              kind: 'InvalidInput',
              message: 'Invalid frame: frames are JSON text',
              field: 'frame',
            },
          },
        } as const)
      : parseFrame(data.toString());
    if (!parsed.ok) return send(JSON.stringify(parsed.reply));
    const { id, command, args } = parsed.frame;
    void runCommand(host.dispatch, command, args).then((reply) =>
      send(JSON.stringify(replyFrame(id, reply))),
    );
  });
  // ws reports an oversize frame (and closes with 1009) or a protocol error here; without a
  // listener the error would take the whole host down.
  socket.on('error', () => {});
  socket.once('close', () => stopViews());
}
