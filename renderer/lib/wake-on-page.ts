/**
 * The page's own signs that the network may be back: it came online, or it is shown again after
 * a while hidden (a laptop lid opened, a window brought back). Each sends `wake_all` to the host,
 * which pings every connection now instead of at the next keepalive. A tab switched away and
 * back within `hiddenForMs` says nothing: a ping per connection per glance is waste.
 */
export type PageWakeCause = 'online' | 'visible';

interface PageLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export function wakeOnPage(
  win: PageLike,
  doc: PageLike & { readonly visibilityState: string },
  wake: (cause: PageWakeCause) => void,
  { hiddenForMs = 10_000, now = () => Date.now() } = {},
): () => void {
  let hiddenAt: number | null = doc.visibilityState === 'hidden' ? now() : null;
  const online = () => wake('online');
  const visibility = () => {
    if (doc.visibilityState === 'hidden') {
      hiddenAt ??= now();
      return;
    }
    const since = hiddenAt;
    hiddenAt = null;
    if (since !== null && now() - since >= hiddenForMs) wake('visible');
  };
  win.addEventListener('online', online);
  doc.addEventListener('visibilitychange', visibility);
  return () => {
    win.removeEventListener('online', online);
    doc.removeEventListener('visibilitychange', visibility);
  };
}
