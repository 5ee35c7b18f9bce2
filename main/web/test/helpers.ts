import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import type { EventFrame, HostEventName, ReplyFrame } from '../../../machines/ipc.ts';
import type { ConnectionServiceOptions } from '../../service.ts';
import { startService } from '../../test/helpers.ts';
import { startWebHost, type WebHostOptions } from '../host.ts';

export { delay } from '../../test/helpers.ts';

/** A browser-mode host over a service on the real keyring; both closed after the test. */
export async function startHost(
  options: Omit<WebHostOptions, 'service'> = {},
  serviceOptions: Partial<ConnectionServiceOptions> = {},
) {
  const fixture = await startService(serviceOptions);
  const host = await startWebHost({ service: fixture.service, ...options });
  // Registered after startService's own cleanup, so it runs first: the host before the service.
  onTestFinished(() => host.close());
  return { ...fixture, host };
}

export const ipcUrl = (host: { port: number; token: string }, token = host.token) =>
  `ws://127.0.0.1:${host.port}/ipc?token=${encodeURIComponent(token)}`;

/**
 * A raw client speaking DESIGN.md's frames, not the renderer's transport: it keeps every frame
 * it received, as text, and matches replies to requests by id.
 */
export interface RawClient {
  socket: WebSocket;
  /** Every frame received, in order, as sent. */
  frames: string[];
  request(command: string, args?: unknown): Promise<ReplyFrame>;
  /** Sends text as it is, and resolves with the next reply whose id is `id` (null: no id). */
  sendRaw(text: string | Buffer, id?: number | null): Promise<ReplyFrame>;
  events<E extends HostEventName>(event: E): unknown[];
  close(): Promise<void>;
}

export async function rawClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawClient> {
  const socket = new WebSocket(url, { headers });
  const frames: string[] = [];
  const waiting = new Map<number | null, ((reply: ReplyFrame) => void)[]>();
  let nextId = 1;
  socket.on('message', (data) => {
    const text = data.toString();
    frames.push(text);
    const frame = JSON.parse(text) as ReplyFrame | EventFrame;
    if ('event' in frame) return;
    waiting.get(frame.id)?.shift()?.(frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)),
    );
  });
  socket.on('error', () => {});
  const expect = (id: number | null) =>
    new Promise<ReplyFrame>((resolve) => {
      waiting.set(id, [...(waiting.get(id) ?? []), resolve]);
    });
  const client: RawClient = {
    socket,
    frames,
    request(command, args) {
      const id = nextId++;
      const reply = expect(id);
      socket.send(JSON.stringify(args === undefined ? { id, command } : { id, command, args }));
      return reply;
    },
    sendRaw(text, id = null) {
      const reply = expect(id);
      socket.send(text);
      return reply;
    },
    events: (event) =>
      frames
        .map((f) => JSON.parse(f) as EventFrame)
        .filter((f) => f.event === event)
        .map((f) => f.payload),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
  onTestFinished(() => client.close());
  return client;
}

/** The HTTP status an upgrade is refused with; throws if it was accepted. */
export function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('open', () => {
      socket.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    socket.once('error', (error) => reject(error));
  });
}

/** Resolves once `check` holds, polling; fails after `timeout` ms saying what it waited for. */
export async function until(what: string, check: () => boolean, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
