import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

/*
 * A stand-in for Electron's main-process API (its binary cannot be downloaded here), enough to
 * run the real bundle dist/electron/main.js under Node. It reports what the host does as
 * `@@{json}` lines on stdout, and takes what a user or a page would do as JSON lines on stdin:
 * invoke a command from a frame, fetch a tusk:// URL, navigate, open a window, make a request,
 * ask for a permission, resume from sleep, quit. SIGINT and SIGTERM quit, as in Electron.
 */

const report = (type, body = {}) =>
  process.stdout.write(`@@${JSON.stringify({ type, ...body })}\n`);
const APP_PAGE = 'tusk://app/index.html';

class App extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    const event = {
      prevented: false,
      preventDefault() {
        event.prevented = true;
      },
    };
    this.emit('before-quit', event);
    report('quit', { prevented: event.prevented });
    if (!event.prevented) this.exit(0);
  }
  exit(code = 0) {
    report('exit', { code });
    process.exit(code);
  }
}
export const app = new App();

const handlers = new Map();
export const ipcMain = {
  handle(channel, handler) {
    if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    handlers.set(channel, handler);
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
};

export const powerMonitor = new EventEmitter();
export const net = { isOnline: () => true };

let serve;
export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    report('schemes', { schemes });
  },
  handle(scheme, handler) {
    if (scheme === 'tusk') serve = handler;
  },
};

let filter;
let permission;
export const session = {
  defaultSession: {
    webRequest: {
      onBeforeRequest(which, listener) {
        filter = { urls: which.urls, listener };
      },
    },
    setPermissionRequestHandler(handler) {
      permission = handler;
    },
  },
};

async function fetchApp(url) {
  const response = await serve(new Request(url));
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: (await response.text()).slice(0, 200),
  };
}

class WebContents extends EventEmitter {
  openHandler = undefined;
  send(channel, frame) {
    report('send', { channel, frame });
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
}

let window;
export class BrowserWindow {
  constructor(options) {
    window = this;
    this.webContents = new WebContents();
    report('window', { webPreferences: options.webPreferences });
    app.emit('web-contents-created', {}, this.webContents);
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  async loadURL(url) {
    report('load', { url, ...(await fetchApp(url)) });
    this.webContents.emit('did-finish-load');
  }
}

const actions = {
  async invoke({ command, args, url = APP_PAGE, parent = null }) {
    const handler = handlers.get(`tusk:${command}`);
    if (!handler) return { handled: false };
    return { reply: await handler({ senderFrame: { url, parent } }, args) };
  },
  fetch: ({ url }) => fetchApp(url),
  navigate({ url }) {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    window.webContents.emit('will-navigate', event, url);
    return { prevented: event.prevented };
  },
  open: ({ url }) => window.webContents.openHandler({ url }),
  request: ({ url }) =>
    new Promise((resolve) =>
      filter.listener({ url }, (answer) => resolve({ ...answer, urls: filter.urls })),
    ),
  permission: ({ name }) =>
    new Promise((resolve) =>
      permission(window.webContents, name, (granted) => resolve({ granted })),
    ),
  resume: () => powerMonitor.emit('resume'),
  quit: () => app.quit(),
  handlers: () => ({ channels: [...handlers.keys()] }),
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, action, ...args } = JSON.parse(line);
  Promise.resolve()
    .then(() => actions[action](args))
    .then(
      (result) => report('done', { id, result: result ?? null }),
      (error) => report('done', { id, error: String(error) }),
    );
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.quit());
