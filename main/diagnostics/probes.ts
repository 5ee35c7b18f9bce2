import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import {
  type PeerCertificate,
  type TLSSocket,
  type ConnectionOptions as TlsOptions,
  connect as tlsConnect,
} from 'node:tls';

/*
 * The network steps of a connection test, each on a socket of its own that is closed before the
 * step resolves or rejects, and each giving up the moment `signal` aborts (rejecting with its
 * reason). Nothing here knows about PostgreSQL beyond the 8-byte SSLRequest.
 */

/** A TCP address, or a Unix socket directory (a host starting with `/`, as libpq reads it). */
export type Target = { host: string; port: number } | { path: string };

export const isSocketDir = (host: string): boolean => host.startsWith('/');
export const targetOf = (address: string, port: number): Target =>
  isSocketDir(address) ? { path: `${address}/.s.PGSQL.${port}` } : { host: address, port };
export const describeTarget = (t: Target): string =>
  'path' in t ? t.path : isIP(t.host) === 6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;

const noop = () => undefined;

/** Rejects with the signal's reason when it aborts, whatever `work` is still doing. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(noop);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Every address `host` resolves to, in the order the system resolver gives them, deduplicated. */
export async function resolveHost(host: string, signal: AbortSignal): Promise<string[]> {
  // getaddrinfo cannot be cancelled; an abandoned lookup finishes in the thread pool, holding nothing.
  const found = await raceAbort(lookup(host, { all: true }), signal);
  return [...new Set(found.map((a) => a.address))];
}

/**
 * Each socket's 'close' event, awaited from the moment the socket exists. `socket.closed` is no
 * guide: destroy() sets it at once, while the handle closes (and 'close' fires) a turn later.
 */
const closeEvents = new WeakMap<Socket, Promise<void>>();

function tracked<S extends Socket>(socket: S): S {
  closeEvents.set(socket, new Promise((resolve) => socket.once('close', () => resolve())));
  // Errors are seen through settle(); none may go unlistened, before or after.
  socket.on('error', noop);
  return socket;
}

/** Destroys a socket and resolves once its handle is closed. Idempotent. */
export function closeSocket(socket: Socket): Promise<void> {
  socket.destroy();
  return closeEvents.get(socket) ?? Promise.resolve();
}

/**
 * Settles when `socket` emits `okEvent` (resolving with `value()`), or closes the socket and
 * rejects on its first error, on an early close, or when `signal` aborts.
 */
function settle<T>(
  socket: Socket,
  okEvent: string,
  value: () => T,
  signal: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      socket.off(okEvent, onOk);
      socket.off('error', fail);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      cleanup();
      closeSocket(socket).then(() => reject(error));
    };
    const onOk = () => {
      cleanup();
      resolve(value());
    };
    const onClose = () => fail(new Error('Connection terminated unexpectedly'));
    const onAbort = () => fail(signal.reason);
    socket.once(okEvent, onOk);
    socket.once('error', fail);
    socket.once('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A connected socket; the caller closes it. */
export function openSocket(target: Target, signal: AbortSignal): Promise<Socket> {
  const socket = tracked(netConnect(target));
  return settle(socket, 'connect', () => socket, signal);
}

const SSL_REQUEST = Buffer.alloc(8);
SSL_REQUEST.writeInt32BE(8, 0);
SSL_REQUEST.writeInt32BE(80877103, 4);

export class BadSslResponse extends Error {
  readonly code = 'TLS_BAD_RESPONSE';
}

/**
 * Sends PostgreSQL's SSLRequest and reads the one-byte answer. Bytes after an `S` are refused:
 * they would be read as if they came over TLS (CVE-2021-23214), and a server never sends them.
 */
export function sslRequest(socket: Socket, signal: AbortSignal): Promise<'S' | 'N'> {
  let answer: Buffer | undefined;
  // Registered before settle()'s own listener, so the chunk is there when that one fires.
  socket.once('data', (chunk: Buffer) => {
    answer = chunk;
  });
  const read = settle(socket, 'data', () => answer!, signal);
  socket.write(SSL_REQUEST);
  return read.then(async (chunk) => {
    const byte = String.fromCharCode(chunk[0] ?? 0);
    if ((byte === 'S' || byte === 'N') && chunk.length === 1) return byte;
    await closeSocket(socket);
    throw new BadSslResponse(
      byte === 'E'
        ? 'The server answered the TLS request with an error (a server older than PostgreSQL 7.0?)'
        : byte === 'S'
          ? 'The server sent unexpected data after agreeing to TLS'
          : `The answer to the TLS request was not PostgreSQL's (first byte 0x${(chunk[0] ?? 0).toString(16).padStart(2, '0')})`,
    );
  });
}

export interface TlsFacts {
  protocol: string | null;
  cipher: string;
  certificate: PeerCertificate;
  authorized: boolean;
}

/**
 * The TLS handshake over a socket whose SSLRequest was answered `S`, with pg's own choices of
 * `servername` (never an IP address, RFC 6066) and `host` (what the certificate is checked
 * against). Closes both sockets before it settles.
 */
export async function handshake(
  socket: Socket,
  host: string,
  ssl: TlsOptions,
  signal: AbortSignal,
): Promise<TlsFacts> {
  let secure: TLSSocket;
  try {
    secure = tracked(
      tlsConnect({
        ...ssl,
        socket,
        host,
        ...(isIP(host) === 0 && !isSocketDir(host) ? { servername: host } : {}),
      }),
    );
  } catch (error) {
    await closeSocket(socket);
    throw error;
  }
  try {
    return await settle(
      secure,
      'secureConnect',
      () => ({
        protocol: secure.getProtocol(),
        cipher: secure.getCipher().name,
        certificate: secure.getPeerCertificate(),
        authorized: secure.authorized,
      }),
      signal,
    );
  } finally {
    await closeSocket(secure);
    await closeSocket(socket);
  }
}
