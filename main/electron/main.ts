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
import { sentence, startAppCore } from '../app/app-core.ts';
import { FlagError, parseFlags, USAGE } from '../app/flags.ts';
import { contentType, NOT_BUILT } from '../web/static.ts';
import { type ElectronHost, startElectronHost } from './host.ts';
import { APP_ORIGIN, APP_PAGE } from './ipc.ts';

/**
 * The desktop host (DESIGN.md, "Hosts and IPC"): one window on the app's own page, served from
 * the renderer build under the `tusk://app` scheme with a strict CSP; a sandboxed renderer whose
 * only way out is the preload's `window.tusk`; every command through the one dispatcher, over
 * the same app start as browser mode (host.ts). Runs as the bundle `npm run build:electron`
 * makes (dist/electron/main.js): its preload beside it as `preload.cjs` (a sandboxed preload
 * cannot import files) and the renderer build (dist/renderer) beside that folder.
 */
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));
const say = (line: string) => process.stderr.write(`${line}\n`);

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // As the browser host's (main/web/security.ts): the renderer styles only through the CSSOM.
  "style-src 'self'",
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

/** The flags of `npm start` (flags.ts); Electron's own arguments come before them. */
function flagsFromArgv() {
  const argv = process.argv.slice(app.isPackaged ? 1 : 2);
  try {
    return parseFlags(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    say(`tusk: ${error.message}\n${USAGE}`);
    app.exit(2);
    return undefined;
  }
}

async function start() {
  const flags = flagsFromArgv();
  if (!flags) return;
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return app.exit(0);
  }
  const core = await startAppCore(flags, { say });
  const host = startElectronHost(core, {
    ipcMain,
    app,
    powerMonitor,
    isOnline: () => net.isOnline(),
    say,
  });
  try {
    openWindow(host);
  } catch (error) {
    // Whatever failed, the pools and the demo server do not outlive this process.
    await host.stop();
    throw error;
  }
}

function openWindow(host: ElectronHost) {
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
  host.attach(window.webContents);
  // A second `npm start` brings this window forward rather than starting a second demo.
  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // A load that fails (a reload racing it) is the page's to retry, not a reason to quit.
  window
    .loadURL(APP_PAGE)
    .catch((error: unknown) => say(`tusk: loading the page: ${sentence(error)}`));
}

if (!app.requestSingleInstanceLock()) {
  say('tusk: Tusk is already running; bringing its window forward');
  app.exit(0);
} else {
  app.on('web-contents-created', (_, contents) => lockDown(contents));
  app.on('window-all-closed', () => app.quit());
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      say(`tusk: ${sentence(error)}`);
      if (process.env.TUSK_DEBUG === '1') console.error(error);
      app.exit(1);
    });
}
