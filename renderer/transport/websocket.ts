import { TuskError } from '../../machines/errors.ts';
import type {
  EventFrame,
  HostEventName,
  Reply,
  ReplyFrame,
  Transport,
} from '../../machines/ipc.ts';
import { typedInvoke } from './invoke.ts';

/** The part of the DOM's WebSocket this uses; `ws`'s WebSocket has it too (for tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type SocketConstructor = new (url: string) => SocketLike;

export interface WebSocketTransportOptions {
  /** The DOM's WebSocket unless given (tests under Node pass `ws`'s). */
  WebSocket?: SocketConstructor;
  /** The wait before reconnect attempt `n` (1, 2, ...); 100 ms doubling to 5 s by default. */
  backoffMs?: (attempt: number) => number;
}

export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WebSocketTransport extends Transport {
  /** The socket's state, for a "reconnecting to the host" banner. */
  state(): LinkState;
  onState(listener: (state: LinkState) => void): () => void;
  /** Closes the socket for good: pending and later commands fail. */
  close(): void;
}

const OPEN = 1;
const defaultBackoff = (attempt: number) => Math.min(100 * 2 ** (attempt - 1), 5_000);

/**
 * Browser mode's transport: request ids, replies matched to them, events to listeners. When the
 * socket drops (the host restarted, the laptop slept), it reconnects by itself with backoff;
 * the host's first frames on a new socket are the whole view set, so listeners start afresh.
 * Commands sent while it is away wait for the socket; a command in flight when it dropped
 * fails, since it may or may not have run.
 */
export function createWebSocketTransport(
  url: string,
  options: WebSocketTransportOptions = {},
): WebSocketTransport {
  const Socket =
    options.WebSocket ?? (globalThis as unknown as { WebSocket: SocketConstructor }).WebSocket;
  const backoffMs = options.backoffMs ?? defaultBackoff;
  const pending = new Map<number, (reply: Reply) => void>();
  const queued: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: LinkState) => void>();
  let nextId = 1;
  let attempt = 0;
  let state: LinkState = 'connecting';
  let socket: SocketLike;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: LinkState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };

  const fail = (id: number, message: string) =>
    pending.get(id)?.({ ok: false, error: { kind: 'ConnectionLost', message } });

  const open = () => {
    socket = new Socket(url);
    socket.onopen = () => {
      attempt = 0;
      setState('open');
      for (const frame of queued.splice(0)) socket.send(frame);
    };
    socket.onmessage = ({ data }) => receive(String(data));
    socket.onerror = () => {};
    socket.onclose = () => {
      for (const id of [...pending.keys()]) {
        fail(id, 'The connection to the host was lost; the command may or may not have run');
      }
      if (state === 'closed') return;
      setState('reconnecting');
      attempt++;
      timer = setTimeout(open, backoffMs(attempt));
    };
  };

  const receive = (text: string) => {
    let frame: Partial<ReplyFrame & EventFrame>;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame.event === 'string') {
      for (const listener of [...(listeners.get(frame.event) ?? [])]) listener(frame.payload);
    } else if (typeof frame.id === 'number') {
      pending.get(frame.id)?.(frame as Reply);
    }
  };

  const call = (command: string, args: unknown) =>
    new Promise<Reply>((resolve) => {
      if (state === 'closed') {
        throw new TuskError({ kind: 'NotConnected', message: 'The transport is closed' });
      }
      const id = nextId++;
      pending.set(id, (reply) => {
        pending.delete(id);
        resolve(reply);
      });
      const frame = JSON.stringify({ id, command, args });
      if (socket.readyState === OPEN) socket.send(frame);
      else queued.push(frame);
    });

  open();
  return {
    invoke: typedInvoke(call),
    on(event: HostEventName, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      setState('closed');
      clearTimeout(timer);
      queued.length = 0;
      // Between attempts the socket is already closed and will not report it again.
      for (const id of [...pending.keys()]) fail(id, 'The transport was closed');
      socket.close();
    },
  } as WebSocketTransport;
}
