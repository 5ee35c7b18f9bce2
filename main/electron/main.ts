import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  net,
  powerMonitor,
  protocol,
  session,
  type WebContents,
} from 'electron';
import type { HostEventName } from '../../machines/ipc.ts';
import { createDispatcher } from '../ipc/index.ts';
import { createConnectionService } from '../service.ts';
import { createConnectionViews, createViewStream } from '../views/index.ts';
import { defaultDataDir, RENDERER_DIR } from '../web/cli.ts';
import { contentType, NOT_BUILT } from '../web/static.ts';
import { APP_ORIGIN, APP_PAGE, EVENT_CHANNEL, registerIpc } from './ipc.ts';

/**
 * The desktop host (DESIGN.md, "Hosts and IPC"): one window on the app's own page, served from
 * the renderer build under the `tusk://app` scheme with a strict CSP; a sandboxed renderer whose
 * only way out is the preload's `window.tusk`; every command through the one dispatcher.
 * Expects to be built beside its preload as `preload.cjs` (a sandboxed preload cannot import).
 */
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

// Before `ready`: a standard, secure scheme gets an origin of its own and `'self'` in the CSP.
protocol.registerSchemesAsPrivileged([
  { scheme: 'tusk', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

/** The renderer build, and nothing outside it, with the CSP on every response. */
async function serveApp(request: Request): Promise<Response> {
  const headers = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' };
  const url = new URL(request.url);
  const root = resolve(RENDERER_DIR);
  const file = resolve(root, `.${decodeURIComponent(url.pathname)}`);
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN || !file.startsWith(root + sep)) {
    return new Response('Not found', { status: 404, headers });
  }
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { ...headers, 'content-type': contentType(file) } });
  } catch {
    if (url.pathname !== '/index.html') return new Response('Not found', { status: 404, headers });
    return new Response(NOT_BUILT, { headers: { ...headers, 'content-type': 'text/plain' } });
  }
}

/** No navigation away, no new windows, no webviews, no permissions: the page stays the app. */
function lockDown(contents: WebContents) {
  contents.on('will-navigate', (event, url) => {
    if (url !== APP_PAGE) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

async function start() {
  const service = await createConnectionService({ dataDir: defaultDataDir() });
  const views = createConnectionViews(service.manager);
  const stream = createViewStream(views);
  const stopIpc = registerIpc(ipcMain, createDispatcher({ service, views: stream }));

  protocol.handle('tusk', serveApp);
  // No remote content: the page's only origin is tusk://app.
  session.defaultSession.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*/*'] },
    (_, callback) => callback({ cancel: true }),
  );
  session.defaultSession.setPermissionRequestHandler((_, __, callback) => callback(false));

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Tusk',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const send = (event: HostEventName, payload: unknown) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { event, payload });
  };
  const stopStatus = service.onStatus((event) => send('connection:status', event));
  // Each load of the page (a reload too) starts from the whole view set, then changes.
  let stopViews = () => {};
  window.webContents.on('did-finish-load', () => {
    stopViews();
    stopViews = stream.subscribe((payload) => send('connection:views', payload));
  });

  // After sleep, or when the network is back, every connection checks itself now.
  const wake = () => service.manager.send({ type: 'WAKE' });
  powerMonitor.on('resume', wake);
  let online = net.isOnline();
  const network = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) wake();
    online = now;
  }, 5_000);
  network.unref();

  // Quitting ends every pool first: a backend left open would outlive the app on the server.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    clearInterval(network);
    powerMonitor.off('resume', wake);
    stopViews();
    stopStatus();
    stopIpc();
    stream.close();
    views.stop();
    void service.close().finally(() => app.exit(0));
  });

  await window.loadURL(APP_PAGE);
}

app.on('web-contents-created', (_, contents) => lockDown(contents));
app.on('window-all-closed', () => app.quit());
app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    console.error('tusk:', error instanceof Error ? error.message : error);
    app.exit(1);
  });
