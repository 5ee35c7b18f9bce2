import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';

/**
 * The opt-in live inspector (TUSK_INSPECT). `TUSK_INSPECT=1` relays every actor's inspection
 * events to Stately's inspector UI through @statelyai/inspect's WebSocket inspector;
 * `TUSK_INSPECT=console` prints one line per transition to stderr and needs no network.
 *
 * The relay is ours, not `@statelyai/inspect/server`: that one listens on every interface and
 * accepts any page's WebSocket, which would publish connection configs to the LAN and to any
 * site open in the browser. Ours binds 127.0.0.1 and accepts only its own page and local
 * Node clients.
 */
export interface DevInspector {
  inspect: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Where to point a browser, for the WebSocket mode. */
  url?: string;
  stop(): Promise<void>;
}

const STATELY_UI = 'https://stately.ai/inspect';

export async function inspectorFromEnv(
  value = process.env.TUSK_INSPECT,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<DevInspector | undefined> {
  if (!value || value === '0') return undefined;
  if (value === 'console') return consoleInspector(log);
  const relay = await startRelay(Number(process.env.TUSK_INSPECT_PORT ?? 0));
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const inspector = createWebSocketInspector({ url: relay.wsUrl });
  log(`inspector: open ${relay.url} in a browser (the UI loads from ${STATELY_UI})`);
  return {
    inspect: inspector.inspect,
    url: relay.url,
    async stop() {
      inspector.stop();
      await relay.stop();
    },
  };
}

function consoleInspector(log: (line: string) => void): DevInspector {
  return {
    inspect(event) {
      if (event.type !== '@xstate.microstep') return;
      const snapshot = event.snapshot as { value?: unknown };
      const targets = event._transitions
        .map((t) => `${t.eventType}${t.target ? ` -> ${t.target.map((n) => n.id).join(',')}` : ''}`)
        .join('; ');
      log(
        `[inspect] ${(event.actorRef as AnyActorRef).id}: ${targets} => ${JSON.stringify(snapshot.value)}`,
      );
    },
    async stop() {},
  };
}

async function startRelay(port: number) {
  const { WebSocketServer, WebSocket } = await import('ws');
  const http = createServer((_, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; frame-src ${STATELY_UI}; script-src 'unsafe-inline'; connect-src ws://127.0.0.1:*`,
    });
    res.end(bridgePage(address().port));
  });
  const address = () => http.address() as AddressInfo;
  // Node clients send no Origin; a browser must be on our own page.
  const verifyClient = ({ req }: { req: IncomingMessage }) =>
    req.socket.remoteAddress === '127.0.0.1' &&
    (req.headers.origin === undefined ||
      req.headers.origin === `http://127.0.0.1:${address().port}`);
  const wss = new WebSocketServer({ server: http, verifyClient });
  const backlog: string[] = [];
  wss.on('connection', (socket) => {
    for (const message of backlog) socket.send(message);
    socket.on('message', (data) => {
      const message = data.toString();
      backlog.push(message);
      if (backlog.length > 500) backlog.shift();
      for (const client of wss.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const { port: bound } = address();
  return {
    url: `http://127.0.0.1:${bound}`,
    wsUrl: `ws://127.0.0.1:${bound}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

/** The page that hands relayed events to Stately's UI in an iframe, by postMessage. */
function bridgePage(port: number): string {
  return `<!doctype html><meta charset="utf-8"><title>Tusk inspector</title>
<style>html,body,iframe{margin:0;height:100%;width:100%;border:0}</style>
<iframe id="ui" src="${STATELY_UI}"></iframe>
<script>
  const ui = document.getElementById('ui');
  const pending = [];
  let ready = false;
  addEventListener('message', (e) => {
    if (e.origin !== 'https://stately.ai' || e.data?.type !== '@statelyai.connected') return;
    ready = true;
    for (const event of pending.splice(0)) ui.contentWindow.postMessage(event, 'https://stately.ai');
  });
  new WebSocket('ws://127.0.0.1:${port}').onmessage = (m) => {
    const event = JSON.parse(m.data);
    if (ready) ui.contentWindow.postMessage(event, 'https://stately.ai');
    else pending.push(event);
  };
</script>`;
}
