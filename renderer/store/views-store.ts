import type { Observer, Subscription } from 'xstate';
import type { Transport } from '../../machines/ipc.ts';
import { type ConnectionView, VIEWS_EVENT, type ViewsPayload } from '../../machines/views.ts';

/**
 * The view stream as something `@xstate/react`'s `useSelector` can read (DESIGN.md, "The
 * renderer"): `subscribe(observer) → { unsubscribe }` and `getSnapshot()`. The snapshot is
 * immutable: a payload makes a new one, and keeps every view it did not change as the same
 * object, so a selector on one connection sees its row change and no other.
 */

export interface ViewsSnapshot {
  /** False until the first full payload arrives. */
  ready: boolean;
  byId: ReadonlyMap<string, ConnectionView>;
  /** Ids in the order they arrived; a new id goes last. Stays the same array while no id comes or goes. */
  ids: readonly string[];
}

export interface ViewsStore {
  subscribe(
    observer: Partial<Observer<ViewsSnapshot>> | ((snapshot: ViewsSnapshot) => void),
  ): Subscription;
  getSnapshot(): ViewsSnapshot;
  apply(payload: ViewsPayload): void;
}

const EMPTY: ViewsSnapshot = { ready: false, byId: new Map(), ids: [] };

export function createViewsStore(): ViewsStore {
  let snapshot = EMPTY;
  const observers = new Set<Partial<Observer<ViewsSnapshot>>>();

  const publish = (next: ViewsSnapshot) => {
    if (next === snapshot) return;
    snapshot = next;
    for (const observer of [...observers]) observer.next?.(snapshot);
  };

  return {
    subscribe(observerOrNext) {
      const observer =
        typeof observerOrNext === 'function' ? { next: observerOrNext } : observerOrNext;
      observers.add(observer);
      return { unsubscribe: () => observers.delete(observer) };
    },
    getSnapshot: () => snapshot,
    apply(payload) {
      publish(payload.full ? fromFull(payload.views) : withChanges(snapshot, payload));
    },
  };
}

function fromFull(views: ConnectionView[]): ViewsSnapshot {
  const byId = new Map<string, ConnectionView>();
  for (const view of views) byId.set(view.id, view);
  return { ready: true, byId, ids: [...byId.keys()] };
}

function withChanges(
  current: ViewsSnapshot,
  payload: Extract<ViewsPayload, { full: false }>,
): ViewsSnapshot {
  if (payload.changed.length === 0 && payload.removed.length === 0) return current;
  const byId = new Map(current.byId);
  let idsChanged = false;
  for (const view of payload.changed) {
    if (!byId.has(view.id)) idsChanged = true;
    byId.set(view.id, view);
  }
  for (const id of payload.removed) {
    if (byId.delete(id)) idsChanged = true;
  }
  const ids = idsChanged
    ? [
        ...current.ids.filter((id) => byId.has(id)),
        ...payload.changed.map((v) => v.id).filter((id) => !current.byId.has(id)),
      ]
    : current.ids;
  return { ready: current.ready, byId, ids };
}

/**
 * Feeds a store from a transport: listens first, then asks for the whole picture, so nothing
 * sent in between is lost (a change that arrives before the full payload is replaced by it).
 */
export function connectViews(transport: Transport, store: ViewsStore): () => void {
  const stop = transport.on(VIEWS_EVENT, (payload) => store.apply(payload));
  transport.invoke('get_views', {}).then(
    (payload) => store.apply(payload),
    () => {
      // The host pushes a full payload to every new client anyway; get_views only makes sure.
    },
  );
  return stop;
}
