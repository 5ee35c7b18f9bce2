import type { App, IpcMain, PowerMonitor } from 'electron';
import type { EventFrame, HostEventName, HostEvents } from '../../machines/ipc.ts';
import { type AppCore, sentence } from '../app/app-core.ts';
import { commandTable, createDispatcher } from '../ipc/index.ts';
import { createViewStream, serviceViews } from '../views/index.ts';
import { EVENT_CHANNEL, registerIpc } from './ipc.ts';

/** A page the host talks to: a window's webContents (or a test's stand-in). */
export interface Page {
  send(channel: string, frame: EventFrame): void;
  isDestroyed(): boolean;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

/** What the host needs of Electron apart from its windows; main.ts passes Electron's own. */
export interface ElectronHostDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  app: Pick<App, 'on' | 'quit'>;
  powerMonitor: Pick<PowerMonitor, 'on' | 'off'>;
  /** Electron's `net.isOnline`. */
  isOnline(): boolean;
  say(line: string): void;
  /** How often to look whether the network is back; 5 s. */
  networkPollMs?: number;
}

export interface ElectronHost {
  /** Sends this page the host's events: on each load the notices and every view, then changes. */
  attach(page: Page): void;
  /** Ends the IPC, the views and then the app core (every pool, the demo); once. */
  stop(): Promise<void>;
}

/**
 * The Electron host without its window (DESIGN.md, "Hosts and IPC"): the same app as browser
 * mode over the same app core (app-core.ts: credentials with the keyring fallback, the demo,
 * demo_fault), its commands on `tusk:<command>` through the one dispatcher, its events on one
 * channel, WAKE after sleep or when the network is back, and a quit that waits until every pool
 * and the demo server are gone.
 */
export function startElectronHost(core: AppCore, deps: ElectronHostDeps): ElectronHost {
  const { service } = core;
  const views = serviceViews(service, { isDemo: core.isDemo });
  const stream = createViewStream(views);
  const stopIpc = registerIpc(
    deps.ipcMain,
    createDispatcher({ service, views: stream }, { ...commandTable, ...core.commands }),
  );

  const pages = new Map<Page, () => void>();
  const send = (page: Page, event: HostEventName, payload: unknown) => {
    if (!page.isDestroyed()) page.send(EVENT_CHANNEL, { event, payload });
  };
  const stopStatus = service.onStatus((event) => {
    for (const page of pages.keys()) send(page, 'connection:status', event);
  });

  // After sleep, or when the network is back, every connection checks itself now. The service
  // watches the wall clock and the addresses itself (main/wake); the OS's word comes sooner.
  const wake = () => service.wakeAll('resume');
  deps.powerMonitor.on('resume', wake);
  let online = deps.isOnline();
  const network = setInterval(() => {
    const now = deps.isOnline();
    if (now && !online) service.wakeAll('online');
    online = now;
  }, deps.networkPollMs ?? 5_000);
  network.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Commands first, so that none starts on a service that is closing.
      stopIpc();
      clearInterval(network);
      deps.powerMonitor.off('resume', wake);
      for (const unsubscribe of pages.values()) unsubscribe();
      pages.clear();
      stopStatus();
      stream.close();
      views.stop();
      await core.stop();
    })();
    return stopping;
  };

  // Quitting waits for the core: a backend left open would outlive the app on the server, and
  // the demo's postgres would outlive it on this machine. Electron quits once that is done.
  let stopped = false;
  deps.app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    deps.say('tusk: quitting');
    void stop()
      .catch((error: unknown) => deps.say(`tusk: quitting failed: ${sentence(error)}`))
      .finally(() => {
        stopped = true;
        deps.app.quit();
      });
  });

  return {
    attach(page) {
      // Each load of the page (a reload too) starts from the notices and the whole view set.
      page.on('did-finish-load', () => {
        if (stopping) return;
        pages.get(page)?.();
        for (const notice of core.notices) {
          send(page, 'host:notice', notice satisfies HostEvents['host:notice']);
        }
        pages.set(
          page,
          stream.subscribe((payload) => send(page, 'connection:views', payload)),
        );
      });
      page.on('destroyed', () => {
        pages.get(page)?.();
        pages.delete(page);
      });
    },
    stop,
  };
}
