import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { HostEvents } from '../../machines/ipc.ts';
import { type CommandTable, commandTable, createDispatcher } from '../ipc/index.ts';
import type { ConnectionService } from '../service.ts';
import {
  type ConnectionViews,
  type ConnectionViewsOptions,
  createViewStream,
  serviceViews,
} from '../views/index.ts';
import { eventText, serveClient } from './client.ts';
import { hostAllowed, newToken, originAllowed, securityHeaders, tokenMatches } from './security.ts';
import { serveStatic } from './static.ts';

export type Notice = HostEvents['host:notice'];

export interface WebHostOptions {
  service: ConnectionService;
  /** 0 or none: a free port. */
  port?: number;
  /** The built renderer (dist/renderer); without it the page says the UI is not built. */
  staticDir?: string;
  /** Told to every client as it connects, e.g. that no OS keyring was found. */
  notices?: Notice[];
  isDemo?: ConnectionViewsOptions['isDemo'];
  /**
   * Handlers for commands of the contract that only this app start can bind, e.g. demo_fault
   * (main/app/demo-command.ts); they join the command table for this host.
   */
  commands?: CommandTable;
  /** Unsent data per client before it is closed as not reading; 8 MiB unless a test says. */
  maxUnsentBytes?: number;
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: the line to print and open. */
  url: string;
  port: number;
  token: string;
  /** The views this host sends; `invalidate(id)` when a connection's sessions or demo flag change. */
  views: ConnectionViews;
  /** Tells every client now, and every later one as it connects. */
  notify(notice: Notice): void;
  /** Closes every client and stops listening. The service stays open: its owner closes it. */
  close(): Promise<void>;
}

/** Frames over this close their socket with 1009 (DESIGN.md). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Browser mode (DESIGN.md, "Hosts and IPC"): the built renderer and a WebSocket at /ipc, on
 * 127.0.0.1 only, behind a token, the Host check (every request) and the Origin check.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { service } = options;
  const token = newToken();
  const views = serviceViews(service, { isDemo: options.isDemo });
  const stream = createViewStream(views);
  const dispatch = createDispatcher(
    { service, views: stream },
    { ...commandTable, ...options.commands },
  );
  const notices = [...(options.notices ?? [])];
  const clients = new Set<WebSocket>();
  let port = 0;

  const http = createServer((req, res) => {
    if (!hostAllowed(req, port)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Forbidden: unexpected Host header\n');
    }
    void serveStatic(req, res, options.staticDir, securityHeaders(port)).catch(() => res.destroy());
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const refusal = upgradeRefusal(req, port, token);
    if (refusal) {
      const [status, text] = refusal;
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${text.length + 1}\r\n\r\n${text}\n`,
      );
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.once('close', () => clients.delete(ws));
      serveClient(ws, {
        dispatch,
        stream,
        greeting: notices.map((n) => JSON.stringify({ event: 'host:notice', payload: n })),
        maxUnsentBytes: options.maxUnsentBytes,
      });
    });
  });

  // Status events are small and rare; a client that stopped reading is cut by its views first.
  const broadcast = (text: string) => {
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const stopStatus = service.onStatus((event) => broadcast(eventText('connection:status', event)));

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    views,
    notify(notice) {
      notices.push(notice);
      broadcast(JSON.stringify({ event: 'host:notice', payload: notice }));
    },
    close() {
      closing ??= (async () => {
        stopStatus();
        for (const ws of clients) ws.terminate();
        stream.close();
        views.stop();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** Why an upgrade is refused, before any command can run; null to accept it. */
function upgradeRefusal(
  req: IncomingMessage,
  port: number,
  token: string,
): [number, string] | null {
  if (!hostAllowed(req, port)) return [403, 'Forbidden'];
  if (!originAllowed(req, port)) return [403, 'Forbidden'];
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/ipc') return [404, 'Not Found'];
  if (!tokenMatches(url.searchParams.get('token'), token)) return [401, 'Unauthorized'];
  return null;
}
