import type { ConnectionView, ViewsPayload } from '../../machines/views.ts';
import type { ConnectionViews } from './connection-views.ts';
import { viewsDelta } from './delta.ts';

export type FullViews = Extract<ViewsPayload, { full: true }>;

/**
 * The view stream of DESIGN.md: each subscriber gets every view once, then one message per frame
 * in which something changed, holding only the views that changed and the ids removed. Every
 * subscriber is sent the same message object, so a host can serialise it once for all.
 */
export interface ViewStream {
  /** Every view, whole (the `get_views` command). */
  full(): FullViews;
  subscribe(listener: (payload: ViewsPayload) => void): () => void;
  close(): void;
}

/**
 * About one display frame: a burst of transitions becomes one message, except that a status
 * (connected, reconnecting, ...) is never skipped (see `onStatusChange` below).
 */
export const FRAME_MS = 16;

export function createViewStream(
  views: ConnectionViews,
  options: { frameMs?: number } = {},
): ViewStream {
  const frameMs = options.frameMs ?? FRAME_MS;
  const listeners = new Set<(payload: ViewsPayload) => void>();
  const sent = new Map<string, ConnectionView>();
  let touched = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the frame in progress goes (performance.now()); kept across an early status send. */
  let due: number | undefined;

  const flush = (current: (connectionId: string) => ConnectionView | undefined = views.get) => {
    clearTimeout(timer);
    timer = undefined;
    due = undefined;
    const ids = touched;
    touched = new Set();
    const payload = viewsDelta(ids, current, sent);
    if (payload) for (const listener of [...listeners]) listener(payload);
  };

  const arm = () => {
    if (timer) return;
    const now = performance.now();
    if (due === undefined || due < now) due = now + frameMs;
    timer = setTimeout(flush, due - now);
    timer.unref?.();
  };

  // A status no subscriber has seen, left within the frame (a reconnect faster than 16 ms: the
  // first attempt after a loss goes at once): what is pending goes now, with that status, so
  // every status a connection takes reaches the page, for one message at least. What follows
  // goes when the frame would have gone, not a frame later.
  const stopStatus = views.onStatusChange((id, left) => {
    if (listeners.size === 0 || !touched.has(id)) return;
    const view = left();
    if (sent.get(id)?.status === view.status) return;
    const frameEnd = due;
    flush((other) => (other === id ? view : views.get(other)));
    due = frameEnd;
  });

  const stopWatching = views.onChange((id) => {
    if (listeners.size === 0) return;
    touched.add(id);
    arm();
  });

  const full = (): FullViews => ({ full: true, views: views.all() });

  return {
    full,
    subscribe(listener) {
      // Everyone already subscribed gets what is pending first, so that all of them, and the
      // newcomer's whole set, start from the same point.
      if (listeners.size > 0) flush();
      const whole = full();
      if (listeners.size === 0) {
        sent.clear();
        for (const view of whole.views) sent.set(view.id, view);
      }
      listeners.add(listener);
      listener(whole);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          clearTimeout(timer);
          timer = undefined;
          due = undefined;
          touched.clear();
        }
      };
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
      due = undefined;
      listeners.clear();
      stopWatching();
      stopStatus();
    },
  };
}
