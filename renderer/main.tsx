import './zod-jitless.ts';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConnectionGroup } from '../machines/config.ts';
import { App } from './App.tsx';
import { createAnnouncer } from './store/announcer.ts';
import { AppProvider, type AppServices } from './store/app-context.tsx';
import { createLinkStore } from './store/link.ts';
import { createValueStore } from './store/value-store.ts';
import { connectViews, createViewsStore } from './store/views-store.ts';
import { transportForPage } from './transport/index.ts';

/**
 * The page: Electron's preload (window.tusk) when it is there, else browser mode's WebSocket
 * with the token from the page's own URL. Everything below reads the stores, never the wire.
 */
const transport = transportForPage();
const views = createViewsStore();
connectViews(transport, views);
const groups = createValueStore<ConnectionGroup[]>([]);
const announcer = createAnnouncer();
const reloadGroups = async () => {
  groups.set(await transport.invoke('list_groups', {}));
};
reloadGroups().catch((error: unknown) =>
  announcer.say(`Could not load groups: ${String((error as Error)?.message ?? error)}`, 'bad'),
);
const link = createLinkStore(transport);
link.subscribe(({ link: state }) => {
  // A host that comes back sends the whole picture again; groups are not part of it.
  if (state === 'open') void reloadGroups().catch(() => {});
});

// The token has done its job once the socket has it: keep it out of history and screenshots.
if (!('tusk' in window) && /[?#&]token=/.test(window.location.href)) {
  window.history.replaceState(null, '', window.location.pathname);
}

const services: AppServices = { transport, views, groups, reloadGroups, announcer, link };
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppProvider services={services}>
      <App />
    </AppProvider>
  </StrictMode>,
);
