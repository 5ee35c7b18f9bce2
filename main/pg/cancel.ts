import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A socket that is not TCP, e.g. a channel through an SSH tunnel: `connect(port, host)` opens it. */
export type SocketFactory = () => Duplex & { connect(port: number, host: string): unknown };

const CANCEL_REQUEST_CODE = 80877102;

/**
 * Sends PostgreSQL's CancelRequest for one backend on a fresh socket, as libpq's PQcancel does,
 * and resolves when the server has closed that socket (or after `timeoutMs`). It needs no free
 * connection, so it works while every pooled client is busy. It is sent in plain text (as libpq
 * did before v17): the server accepts it without TLS, and it carries only the pid and the
 * per-backend cancel key, never a credential. Failures are ignored: a cancel is best effort, and
 * the caller ends or destroys the client afterwards anyway.
 *
 * The packet is written and the socket left open until the far end closes it: PostgreSQL closes
 * at once, but PgBouncer forwards the request over a server connection of its own first. Ending
 * our side right after the packet (`socket.end(packet)`) makes PgBouncer 1.18 see EOF on a
 * cancel in flight: it drops the request, and in a probe one such cancel made it exit with
 * `disconnect_client(): bad client state`, cutting off every client of that pooler.
 */
export function sendCancelRequest(
  host: string,
  port: number,
  key: { pid: number; secret: number },
  timeoutMs: number,
  stream?: SocketFactory,
): Promise<void> {
  return new Promise((resolve) => {
    let socket: Socket | Duplex;
    try {
      if (stream) {
        const s = stream();
        s.connect(port, host);
        socket = s;
      } else {
        socket = host.startsWith('/')
          ? connect({ path: `${host}/.s.PGSQL.${port}` })
          : connect({ host, port });
      }
    } catch {
      return resolve();
    }
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect', () => {
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      packet.writeInt32BE(key.pid, 8);
      packet.writeInt32BE(key.secret, 12);
      socket.write(packet);
    });
  });
}
