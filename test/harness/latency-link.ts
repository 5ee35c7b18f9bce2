import net, { type AddressInfo } from 'node:net';
import { collapse, PgWire } from './pg-wire.ts';
import { type Flight, type RoundTrip, RoundTripCounter } from './round-trips.ts';

export type { Flight, RoundTrip } from './round-trips.ts';

/**
 * A TCP proxy on 127.0.0.1 that behaves like a long link: every chunk, in each direction, is
 * delivered `delayMs` after it arrived, in the order it arrived, so "25 ms each way" means an
 * RTT of 50 ms for whatever crosses it. The TCP handshake costs its round trip too: the
 * kernel accepts at once, so the proxy reads nothing from a new client for one RTT (the
 * SYN-ACK's way back, as a real client cannot send before it), and only then forwards.
 *
 * It also counts round trips instead of inferring them from time (round-trips.ts): a message
 * sent up and the answer that comes down for it are one, over every connection through the
 * link; each TCP handshake is one; and connections whose messages travel together share
 * their round trips, as on a real link. The trace names the PostgreSQL messages of each round
 * trip (pg-wire.ts).
 */
export type LatencyLink = {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly delayMs: number;
  readonly rttMs: number;
  /** Round trips since the link opened or since the last reset(). */
  turns(): number;
  /** Connections accepted since the link opened or since the last reset(). */
  connections(): number;
  /** Each round trip since the last reset(): what went up, what came down, per connection. */
  trace(): RoundTrip[];
  /** The trace as lines, e.g. "RTT 2: #1 StartupMessage → #1 AuthenticationSASL". */
  formatTrace(): string[];
  /** Starts counting (and tracing) from zero. */
  reset(): void;
  /** Client connections still open. */
  openCount(): number;
  /** Destroys every socket and stops listening. Idempotent. */
  close(): Promise<void>;
};

type Item = { at: number; chunk: Buffer | 'end' };

/**
 * One direction of one connection: a queue of chunks with their delivery time, one timer for
 * its head. Arrival times only grow, so delivering in queue order never reorders.
 */
class DelayedPipe {
  readonly #queue: Item[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly to: net.Socket,
    readonly delayMs: number,
  ) {}

  push(chunk: Buffer | 'end') {
    this.#queue.push({ at: performance.now() + this.delayMs, chunk });
    if (!this.#timer) this.#schedule();
  }

  /** Nothing is on its way. */
  get idle(): boolean {
    return this.#queue.length === 0;
  }

  stop() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#queue.length = 0;
  }

  #schedule() {
    const head = this.#queue[0];
    if (!head) return;
    // A timer may fire up to a millisecond early on performance.now()'s clock; then it waits
    // again, so no chunk is ever delivered before its time.
    const wait = Math.max(1, Math.ceil(head.at - performance.now()));
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush() {
    this.#timer = null;
    const now = performance.now();
    while (this.#queue.length > 0 && this.#queue[0]!.at <= now) {
      const { chunk } = this.#queue.shift()!;
      if (this.to.destroyed) continue;
      if (chunk === 'end') this.to.end();
      else this.to.write(chunk);
    }
    this.#schedule();
  }
}

type Pair = {
  id: number;
  client: net.Socket;
  upstream: net.Socket;
  up: DelayedPipe;
  down: DelayedPipe;
  wire: PgWire;
  hold: NodeJS.Timeout | null;
};

export async function createLatencyLink(target: {
  targetHost: string;
  targetPort: number;
  /** One-way delay; the round trip is twice this. */
  delayMs: number;
}): Promise<LatencyLink> {
  const { delayMs } = target;
  const pairs = new Set<Pair>();
  let accepted = 0;
  let connections = 0;
  let counter = new RoundTripCounter(delayMs);
  let closing: Promise<void> | undefined;

  const observe = (direction: 'up' | 'down', connection: number, messages: string[]) =>
    counter[direction](connection, messages);

  const accept = (client: net.Socket) => {
    const id = ++accepted;
    connections++;
    client.setNoDelay(true);
    client.on('error', () => {});
    const upstream = net.connect({
      host: target.targetHost,
      port: target.targetPort,
      noDelay: true,
    });
    upstream.on('error', () => {});
    const pair: Pair = {
      id,
      client,
      upstream,
      up: new DelayedPipe(upstream, delayMs),
      down: new DelayedPipe(client, delayMs),
      wire: new PgWire(),
      hold: null,
    };
    pairs.add(pair);
    observe('up', id, ['TCP SYN']);
    // The SYN-ACK leaves the server when the SYN arrives; the client may send once it is back.
    pair.hold = setTimeout(() => {
      observe('down', id, ['TCP SYN-ACK']);
      pair.hold = setTimeout(() => {
        pair.hold = null;
        client.on('data', (chunk: Buffer) => {
          observe('up', id, pair.wire.fromClient(chunk));
          pair.up.push(chunk);
        });
      }, delayMs);
    }, delayMs);
    upstream.on('data', (chunk: Buffer) => {
      observe('down', id, pair.wire.fromServer(chunk));
      pair.down.push(chunk);
    });
    client.once('end', () => pair.up.push('end'));
    upstream.once('end', () => pair.down.push('end'));
    const finish = () => {
      if (!pairs.delete(pair)) return;
      if (pair.hold) clearTimeout(pair.hold);
      // What is still on its way arrives first (a server's last error before it closes, say),
      // however late a loaded machine runs the pipes' timers; then the other end goes too.
      const drained = () => {
        if (!(pair.up.idle && pair.down.idle)) {
          setTimeout(drained, delayMs).unref();
          return;
        }
        pair.up.stop();
        pair.down.stop();
        client.destroy();
        upstream.destroy();
      };
      setTimeout(drained, delayMs + 1).unref();
    };
    client.once('close', finish);
    upstream.once('close', finish);
  };

  const server = net.createServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    delayMs,
    rttMs: 2 * delayMs,
    turns: () => counter.count,
    connections: () => connections,
    trace: () => counter.trips(),
    formatTrace: () => formatTrace(counter.trips()),
    reset() {
      connections = 0;
      counter = new RoundTripCounter(delayMs);
    },
    openCount: () => pairs.size,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const sockets = [...pairs].flatMap((p) => {
          if (p.hold) clearTimeout(p.hold);
          p.up.stop();
          p.down.stop();
          return [p.client, p.upstream];
        });
        pairs.clear();
        for (const socket of sockets) socket.destroy();
        await Promise.all([
          closed,
          ...sockets.map((s) => (s.closed ? undefined : new Promise((r) => s.once('close', r)))),
        ]);
      })();
      return closing;
    },
  };
}

/**
 * One line per round trip; connections are numbered from #1 in the order they appear, and
 * only when more than one took part.
 */
export function formatTrace(trips: RoundTrip[]): string[] {
  const numbers = new Map<number, number>();
  for (const f of trips.flatMap((t) => [...t.up, ...t.down])) {
    if (!numbers.has(f.connection)) numbers.set(f.connection, numbers.size + 1);
  }
  const many = numbers.size > 1;
  const flights = (fs: Flight[]) =>
    fs
      .filter((f) => f.messages.length > 0)
      .map(
        (f) => `${many ? `#${numbers.get(f.connection)} ` : ''}${collapse(f.messages).join(', ')}`,
      )
      .join(' | ') || '(nothing)';
  let n = 0;
  return trips.map((t) => {
    const label = t.down.length > 0 && t.up.length > 0 ? `RTT ${++n}` : 'one way';
    return `${label}: ${flights(t.up)} → ${flights(t.down)}`;
  });
}
