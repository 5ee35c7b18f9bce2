import type { Transport } from '../../machines/ipc.ts';
import { createValueStore, type ValueStore } from './value-store.ts';

export type Link = 'connecting' | 'open' | 'reconnecting' | 'closed';

interface HasLink {
  state(): Link;
  onState(listener: (state: Link) => void): () => void;
}

/**
 * The link to the host, for the status bar: browser mode's socket can drop and come back;
 * Electron's IPC cannot, so it is always open.
 */
export function createLinkStore(transport: Transport): ValueStore<{ link: Link }> {
  const linked = transport as Transport & Partial<HasLink>;
  // An object, not the bare string: useSelector looks for `status` in what getSnapshot returns.
  const store = createValueStore({ link: linked.state?.() ?? ('open' as Link) });
  linked.onState?.((link) => store.set({ link }));
  return store;
}
