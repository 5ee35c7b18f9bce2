import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { ConnectionContext } from '../../machines/connection.types.ts';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { TransitionRecord } from '../../machines/views.ts';
import type { ManagerLike } from '../views/connection-views.ts';
import { statePath, transitionRecord } from '../views/transitions.ts';

interface Snapshot {
  value: Parameters<typeof statePath>[0];
  status: string;
  context: unknown;
  children?: Record<string, AnyActorRef | undefined>;
}

interface Tracked {
  id: string;
  path: string;
  last: Snapshot;
}

/**
 * Turns the actor system's steps into TransitionRecords: one per change of state path of a
 * connection actor (transitions.ts says what a record holds), and one per change of state of
 * its SSH tunnel child (`machine: 'tunnel'`). Watches the system's inspection, as the views do,
 * since a snapshot alone does not say which event caused it. Returns the unsubscribe.
 */
export function recordTransitions(
  manager: ManagerLike,
  sink: (connectionId: string, record: TransitionRecord) => void,
  now: () => number = Date.now,
): () => void {
  const connections = new Map<unknown, Tracked>();
  const byId = new Map<string, AnyActorRef>();
  const tunnels = new Map<unknown, Tracked>();
  let children: Record<string, AnyActorRef | undefined> = {};

  const syncChildren = (next: Record<string, AnyActorRef | undefined>) => {
    if (next === children) return;
    children = next;
    const live = new Set(Object.values(next));
    for (const [ref, tracked] of connections) {
      if (!live.has(ref as AnyActorRef)) {
        connections.delete(ref);
        byId.delete(tracked.id);
      }
    }
    for (const ref of live) {
      if (!ref || connections.has(ref)) continue;
      const last = ref.getSnapshot() as Snapshot;
      const id = (last.context as ConnectionContext).config.id;
      connections.set(ref, { id, path: statePath(last.value), last });
      byId.set(id, ref);
    }
  };

  /** A tunnel is known by its parent: the connection whose child `tunnel` it is. */
  const tunnelOf = (ref: unknown, snapshot: Snapshot): Tracked | undefined => {
    const id = (snapshot.context as { connectionId?: unknown } | undefined)?.connectionId;
    if (typeof id !== 'string') return undefined;
    const parent = byId.get(id)?.getSnapshot() as Snapshot | undefined;
    if (parent?.children?.tunnel !== ref) return undefined;
    const tracked = { id, path: statePath(snapshot.value), last: snapshot };
    tunnels.set(ref, tracked);
    return tracked;
  };

  const inspection = manager.system.inspect((event: InspectionEvent) => {
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as unknown as Snapshot;
    if (event.actorRef === (manager as unknown)) {
      syncChildren(snapshot.children ?? {});
      return;
    }
    if (snapshot.status === 'stopped') {
      tunnels.delete(event.actorRef);
      return;
    }
    const connection = connections.get(event.actorRef);
    if (connection) {
      const path = statePath(snapshot.value);
      if (path !== connection.path) {
        sink(
          connection.id,
          transitionRecord({
            at: now(),
            from: connection.last.value,
            to: snapshot.value,
            event: event.event.type,
            before: connection.last.context as ConnectionContext,
            after: snapshot.context as ConnectionContext,
          }),
        );
        connection.path = path;
      }
      connection.last = snapshot;
      return;
    }
    const known = tunnels.get(event.actorRef);
    const tunnel = known ?? tunnelOf(event.actorRef, snapshot);
    if (!tunnel || !known) return;
    const path = statePath(snapshot.value);
    if (path !== tunnel.path) {
      sink(tunnel.id, tunnelRecord(now(), tunnel, path, event.event.type, snapshot));
      tunnel.path = path;
    }
    tunnel.last = snapshot;
  });
  syncChildren(manager.getSnapshot().children);
  return () => inspection.unsubscribe();
}

function tunnelRecord(
  at: number,
  tunnel: Tracked,
  to: string,
  event: string,
  snapshot: Snapshot,
): TransitionRecord {
  const record: TransitionRecord = { at, from: tunnel.path, to, event, machine: 'tunnel' };
  const before = (tunnel.last.context as { lastError?: TuskErrorData | null }).lastError;
  const error = (snapshot.context as { lastError?: TuskErrorData | null }).lastError;
  if (error && error !== before) {
    record.error =
      error.code === undefined ? { kind: error.kind } : { kind: error.kind, code: error.code };
  }
  return record;
}
