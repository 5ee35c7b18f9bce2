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

/**
 * One browser client: each text frame is a request, answered in its own time (requests run
 * concurrently, replies carry their ids); the view stream starts with the whole set.
 */
export function serveClient(
  socket: WebSocket,
  host: { dispatch: Dispatch; stream: ViewStream; greeting: string[] },
): void {
  const send = (text: string) => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const stopViews = host.stream.subscribe((payload: ViewsPayload) =>
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
  socket.once('close', stopViews);
}
