import type { Transport } from '../../machines/ipc.ts';
import { createElectronTransport, type TuskBridge } from './electron.ts';
import { createWebSocketTransport } from './websocket.ts';

/** The token browser mode put in the page's URL, in its query or its fragment. */
export function tokenOf(location: { search: string; hash: string }): string | null {
  return (
    new URLSearchParams(location.search).get('token') ??
    new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  );
}

/** The page's own transport: Electron's preload where it exists, else browser mode's socket. */
export function transportForPage(
  page: { location: Location; tusk?: TuskBridge } = globalThis as unknown as {
    location: Location;
    tusk?: TuskBridge;
  },
): Transport {
  if (page.tusk) return createElectronTransport(page.tusk);
  const token = tokenOf(page.location) ?? '';
  return createWebSocketTransport(
    `ws://${page.location.host}/ipc?token=${encodeURIComponent(token)}`,
  );
}
