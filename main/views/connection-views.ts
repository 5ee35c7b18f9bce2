import type { AnyActorRef, InspectionEvent, SnapshotFrom, Subscription } from 'xstate';
import type { ConnectionStatus } from '../../machines/config.ts';
import type { ConnectionMachine } from '../../machines/connection.machine.ts';
import type { WakeCause } from '../../machines/connection.types.ts';
import type { ConnectionActorRef } from '../../machines/manager.machine.ts';
import { tunnelView } from '../../machines/tunnel.machine.ts';
import {
  type ConnectionView,
  type SessionView,
  TRANSITION_HISTORY,
  type TransitionRecord,
} from '../../machines/views.ts';
import { Ring } from './ring.ts';
import { statePath, transitionRecord } from './transitions.ts';

type ConnectionSnapshot = SnapshotFrom<ConnectionMachine>;

/** What the views need of the manager actor: its system (to inspect) and its children. */
export interface ManagerLike {
  system: { inspect(observer: (event: InspectionEvent) => void): Subscription };
  getSnapshot(): { children: Record<string, AnyActorRef | undefined> };
}

export interface ConnectionViewsOptions {
  /** The sessions (pinned backends) of a connection. */
  sessionsOf?: (connectionId: string) => SessionView[];
  /** Tells when a connection's sessions changed (or call `invalidate(id)`); returns its unsubscribe. */
  onSessionsChange?: (listener: (connectionId: string) => void) => () => void;
  /** Whether a connection is the demo's; call `invalidate(id)` if the answer changes. */
  isDemo?: (connectionId: string) => boolean;
  now?: () => number;
  /**
   * Where the transitions come from, when the service records them (main/history): the views
   * then start each connection's list from its durable history and take the same records, so
   * the list and `get_history` agree to the millisecond. Without it the views record their own.
   */
  history?: TransitionSource;
}

export interface TransitionSource {
  recent(connectionId: string): TransitionRecord[];
  onRecord(listener: (connectionId: string, record: TransitionRecord) => void): () => void;
}

/**
 * The live view of every connection, kept from the actors' own snapshots. A transition of one
 * connection costs that connection alone: its entry is found by actor ref, marked stale, and its
 * view is rebuilt once, when next asked for; every other view stays the same object.
 */
export interface ConnectionViews {
  get(connectionId: string): ConnectionView | undefined;
  /** Every view, in the order the connections were spawned. */
  all(): ConnectionView[];
  /** Called with a connection's id when its view may have changed, or it was removed. */
  onChange(listener: (connectionId: string) => void): () => void;
  /**
   * Called as a connection's status changes (connected to reconnecting, ...), before its view
   * moves on, with the view as it stood in the status it leaves (built only if `left` is called,
   * and only during the call): a stream that coalesces per frame can still send a status that
   * lasted less than a frame.
   */
  onStatusChange(listener: (connectionId: string, left: () => ConnectionView) => void): () => void;
  /** Something the actor does not hold changed (its sessions, its demo flag): rebuild its view. */
  invalidate(connectionId: string): void;
  stop(): void;
}

interface Entry {
  id: string;
  ref: ConnectionActorRef;
  path: string;
  last: ConnectionSnapshot;
  history: Ring<TransitionRecord>;
  /** The history as last handed out; replaced when a record is pushed. */
  transitions: TransitionRecord[] | null;
  view: ConnectionView | null;
  stale: boolean;
}

export function createConnectionViews(
  manager: ManagerLike,
  options: ConnectionViewsOptions = {},
): ConnectionViews {
  const now = options.now ?? Date.now;
  const byId = new Map<string, Entry>();
  const byRef = new Map<unknown, Entry>();
  const listeners = new Set<(connectionId: string) => void>();
  const statusListeners = new Set<(connectionId: string, left: () => ConnectionView) => void>();
  let children: Record<string, AnyActorRef | undefined> = {};

  const changed = (id: string) => {
    for (const listener of listeners) listener(id);
  };

  const track = (ref: ConnectionActorRef) => {
    const last = ref.getSnapshot();
    const history = new Ring<TransitionRecord>(TRANSITION_HISTORY);
    for (const record of options.history?.recent(last.context.config.id) ?? []) {
      history.push(record);
    }
    const entry: Entry = {
      id: last.context.config.id,
      ref,
      path: statePath(last.value),
      last,
      history,
      transitions: null,
      view: null,
      stale: true,
    };
    byId.set(entry.id, entry);
    byRef.set(ref, entry);
    changed(entry.id);
  };

  // The manager's `children` is a new object only when it spawns or stops one: comparing keys
  // here costs O(n) per spawn or removal (which the manager pays anyway), never per transition.
  const syncChildren = (next: Record<string, AnyActorRef | undefined>) => {
    if (next === children) return;
    children = next;
    for (const entry of [...byId.values()]) {
      if (next[entry.ref.id] !== entry.ref) {
        byId.delete(entry.id);
        byRef.delete(entry.ref);
        changed(entry.id);
      }
    }
    for (const ref of Object.values(next)) {
      if (ref && !byRef.has(ref)) track(ref as ConnectionActorRef);
    }
  };

  const update = (
    entry: Entry,
    snapshot: ConnectionSnapshot,
    eventType: string,
    cause?: WakeCause,
  ) => {
    // A stopped actor's last snapshot says nothing new; the manager's children say it is gone.
    if (snapshot === entry.last || snapshot.status === 'stopped') return;
    if (statusListeners.size > 0 && statusOf(snapshot.value) !== statusOf(entry.last.value)) {
      const left = () => viewOf(entry);
      for (const listener of statusListeners) listener(entry.id, left);
    }
    const path = statePath(snapshot.value);
    if (path !== entry.path && !options.history) {
      entry.history.push(
        transitionRecord({
          at: now(),
          from: entry.last.value,
          to: snapshot.value,
          event: eventType,
          ...(cause && { cause }),
          before: entry.last.context,
          after: snapshot.context,
        }),
      );
      entry.transitions = null;
    }
    entry.path = path;
    entry.last = snapshot;
    markStale(entry);
  };

  const markStale = (entry: Entry) => {
    if (entry.stale) return;
    entry.stale = true;
    changed(entry.id);
  };

  // Snapshots alone do not say which event caused them; the system's inspection does.
  const inspection = manager.system.inspect((event) => {
    if (event.type !== '@xstate.snapshot') return;
    const entry = byRef.get(event.actorRef);
    if (entry) {
      const cause = (event.event as { cause?: WakeCause }).cause;
      update(entry, event.snapshot as ConnectionSnapshot, event.event.type, cause);
    } else if (event.actorRef === (manager as unknown)) {
      syncChildren((event.snapshot as unknown as { children: typeof children }).children);
    }
  });
  syncChildren(manager.getSnapshot().children);
  const stopSessions = options.onSessionsChange?.((id) => {
    const entry = byId.get(id);
    if (entry) markStale(entry);
  });
  const stopHistory = options.history?.onRecord((id, record) => {
    const entry = byId.get(id);
    if (!entry || record.machine === 'tunnel') return;
    entry.history.push(record);
    entry.transitions = null;
    markStale(entry);
  });

  // From the snapshot the entry has taken in (the actor's may already be the next one, while a
  // status-change listener asks for the view of the status being left).
  const build = (entry: Entry): ConnectionView => {
    const snapshot = entry.last;
    const c = snapshot.context;
    entry.transitions ??= entry.history.toArray();
    const next: ConnectionView = {
      id: entry.id,
      config: c.config,
      status: statusOf(snapshot.value),
      state: snapshot.value,
      tags: [...snapshot.tags].sort(),
      attempt: c.attempt,
      nextRetryAt: c.nextRetryAt,
      lastError: c.lastError,
      server: c.server,
      session: c.session,
      credentials: c.credentials,
      keepalive: c.keepalive,
      pool: c.pool,
      transitions: entry.transitions,
      sessions: options.sessionsOf?.(entry.id) ?? [],
      demo: options.isDemo?.(entry.id) ?? false,
    };
    const tunnel = tunnelView(snapshot.children.tunnel);
    if (tunnel) next.tunnel = tunnel;
    return entry.view && sameView(entry.view, next) ? entry.view : next;
  };

  const viewOf = (entry: Entry): ConnectionView => {
    if (entry.stale || !entry.view) {
      entry.view = build(entry);
      entry.stale = false;
    }
    return entry.view;
  };

  return {
    get: (id) => {
      const entry = byId.get(id);
      return entry && viewOf(entry);
    },
    all: () => Array.from(byId.values(), viewOf),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatusChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    invalidate(id) {
      const entry = byId.get(id);
      if (entry) markStale(entry);
    },
    stop() {
      inspection.unsubscribe();
      stopSessions?.();
      stopHistory?.();
      listeners.clear();
      statusListeners.clear();
    },
  };
}

function statusOf(value: ConnectionSnapshot['value']): ConnectionStatus {
  return (typeof value === 'string' ? value : Object.keys(value)[0]) as ConnectionStatus;
}

/**
 * A rebuilt view equal to the last one is the last one, so a spurious `invalidate` or a snapshot
 * that changed nothing the UI sees sends nothing. Context fields are compared by reference (the
 * machine replaces what it changes); state values, tags and sessions by content.
 */
function sameView(a: ConnectionView, b: ConnectionView): boolean {
  return (
    a.config === b.config &&
    a.status === b.status &&
    statePath(a.state) === statePath(b.state) &&
    a.tags.join() === b.tags.join() &&
    a.attempt === b.attempt &&
    a.nextRetryAt === b.nextRetryAt &&
    a.lastError === b.lastError &&
    a.server === b.server &&
    a.session === b.session &&
    a.credentials === b.credentials &&
    a.keepalive === b.keepalive &&
    a.pool === b.pool &&
    a.transitions === b.transitions &&
    a.demo === b.demo &&
    JSON.stringify(a.tunnel) === JSON.stringify(b.tunnel) &&
    JSON.stringify(a.sessions) === JSON.stringify(b.sessions)
  );
}

/** What a host's views need of the service: its actors and its sessions. */
export interface ServiceLike {
  manager: ManagerLike;
  history?: TransitionSource;
  sessionsOf: NonNullable<ConnectionViewsOptions['sessionsOf']>;
  onSessionsChange: NonNullable<ConnectionViewsOptions['onSessionsChange']>;
}

/** The views every host sends: the service's connections with their sessions. */
export function serviceViews(
  service: ServiceLike,
  options: Pick<ConnectionViewsOptions, 'isDemo'> = {},
): ConnectionViews {
  return createConnectionViews(service.manager, {
    ...options,
    ...(service.history && { history: service.history }),
    sessionsOf: (id) => service.sessionsOf(id),
    onSessionsChange: (listener) => service.onSessionsChange(listener),
  });
}
