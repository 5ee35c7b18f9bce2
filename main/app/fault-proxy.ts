import net, { type AddressInfo } from 'node:net';

/**
 * - `pass`: bytes flow both ways.
 * - `refuse`: nothing listens on the port, so connects fail with ECONNREFUSED; open pairs stay.
 * - `reset`: every open pair is reset (RST to both ends), and so is each new connection at once.
 * - `blackhole`: sockets stay open, new ones are accepted, and no byte moves in either direction;
 *   bytes are dropped, not held back. A pair blackholed once stays dead after `pass`.
 */
export type FaultMode = 'pass' | 'refuse' | 'reset' | 'blackhole';

export type FaultProxy = {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly mode: FaultMode;
  /** Every accepted connection, `at` from `performance.now()`: monotonic, for measuring backoff. */
  readonly connections: ReadonlyArray<{ at: number; mode: FaultMode }>;
  /** Takes effect at once for new connections; resolves when the port is closed or open again. */
  setMode(mode: FaultMode): Promise<void>;
  /** Client connections still open, dead ones included. */
  openCount(): number;
  /** Destroys every socket and stops listening. Idempotent. */
  close(): Promise<void>;
};

type Pair = { client: net.Socket; upstream?: net.Socket; dead: boolean };

/** A TCP proxy on 127.0.0.1 in front of a server, that fails on command. */
export async function createFaultProxy(target: {
  targetHost: string;
  targetPort: number;
  /**
   * Connections (numbered from 0 as accepted) that are dead from the start, whatever the mode:
   * a login that never gets an answer while the others pass, for a test that needs one client of
   * many stuck (say, a keepalive connection's login).
   */
  deadOnArrival?: (index: number) => boolean;
}): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let closing: Promise<void> | undefined;
  const pairs = new Set<Pair>();
  const connections: { at: number; mode: FaultMode }[] = [];
  // A listener that closed for `refuse` still emits 'close' only once its last connection ends.
  const serversClosed: Promise<void>[] = [];

  const accept = (client: net.Socket) => {
    connections.push({ at: performance.now(), mode });
    // Resets and timeouts are this proxy's purpose; the client under test sees them, not us.
    client.on('error', () => {});
    if (mode === 'reset' || mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const index = connections.length - 1;
    const pair: Pair = {
      client,
      dead: mode === 'blackhole' || target.deadOnArrival?.(index) === true,
    };
    pairs.add(pair);
    // Half-open (below): a dead pair still answers a FIN with its own, as before.
    client.once('end', () => {
      if (pair.dead) client.end();
    });
    client.once('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (pair.dead) {
      client.resume();
      return;
    }
    const upstream = net.connect({
      host: target.targetHost,
      port: target.targetPort,
      noDelay: true,
    });
    pair.upstream = upstream;
    upstream.on('error', () => {});
    forward(pair, client, upstream);
    forward(pair, upstream, client);
    upstream.once('close', (hadError) => {
      if (pair.dead) return;
      // A refused or reset upstream reaches the client as a reset, as it would without us.
      if (hadError) client.resetAndDestroy();
      else client.end();
    });
  };

  const listen = (port: number) =>
    new Promise<net.Server>((resolve, reject) => {
      // Half-open, as TCP itself: a client's FIN (after a Terminate) goes on to the server, and
      // the client's socket closes only when the server's does, once its backend has exited.
      // Closing at the client's FIN would tell the client its backend is gone before it is.
      const server = net.createServer({ allowHalfOpen: true }, accept);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        serversClosed.push(new Promise((closed) => server.once('close', () => closed())));
        resolve(server);
      });
    });

  let server: net.Server | undefined = await listen(0);
  let changes = Promise.resolve();
  const { port } = server.address() as AddressInfo;

  const unlisten = async () => {
    server?.close();
    server = undefined;
    // close() drops the listening socket at once but reports it on a later turn; wait for that.
    await new Promise((resolve) => setImmediate(resolve));
  };

  return {
    host: '127.0.0.1',
    port,
    get mode() {
      return mode;
    },
    connections,
    setMode(next) {
      // One change at a time: a quick refuse → pass must not listen twice on the port.
      const change = changes.then(() => applyMode(next));
      changes = change.catch(() => {});
      return change;
    },
    openCount: () => pairs.size,
    close() {
      closing ??= (async () => {
        await changes;
        await unlisten();
        const sockets = [...pairs].flatMap((p) =>
          p.upstream ? [p.client, p.upstream] : [p.client],
        );
        for (const socket of sockets) socket.destroy();
        await Promise.all([
          ...sockets.map((s) => (s.closed ? undefined : new Promise((r) => s.once('close', r)))),
          ...serversClosed,
        ]);
      })();
      return closing;
    },
  };

  async function applyMode(next: FaultMode) {
    if (closing) throw new Error('the fault proxy is closed');
    mode = next;
    for (const pair of pairs) {
      if (next === 'reset') {
        pair.client.resetAndDestroy();
        pair.upstream?.resetAndDestroy();
      } else if (next === 'blackhole' && !pair.dead) {
        pair.dead = true;
        // Paused by back-pressure or not, both ends now read and drop.
        pair.client.resume();
        pair.upstream?.resume();
        if (pair.client.readableEnded) pair.client.end();
      }
    }
    if (next === 'refuse') await unlisten();
    else if (!server) {
      server = await listen(port).catch((cause) => {
        throw new Error(`fault proxy cannot listen on ${port} again`, { cause });
      });
    }
  }
}

function forward(pair: Pair, from: net.Socket, to: net.Socket) {
  from.on('data', (chunk) => {
    if (pair.dead || to.destroyed) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.once('end', () => {
    if (!pair.dead) to.end();
  });
}
