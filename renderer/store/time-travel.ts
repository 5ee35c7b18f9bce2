import { useSelector } from '@xstate/react';
import { useCallback } from 'react';
import { createValueStore } from './value-store.ts';

/**
 * Which moment of a connection's history its chart shows: `null` is now ("Live"), a number is
 * the epoch ms of a recorded transition, and the chart shows the record taken at or before it.
 * A module-level store, not component state: the all-connections timeline and the actor
 * diagram open a chart at a moment (`openChartAt`) from outside the details panel, and a
 * connection keeps its moment while the user looks at another one.
 */

export interface OpenRequest {
  connectionId: string;
  /** Counts requests, so opening the same connection twice is two requests. */
  seq: number;
}

interface TimeTravelState {
  at: ReadonlyMap<string, number | null>;
  /** The last request to show a connection's chart; App selects it, Details shows the chart tab. */
  open: OpenRequest | null;
}

const store = createValueStore<TimeTravelState>({ at: new Map(), open: null });

function setAt(connectionId: string, at: number | null) {
  const current = store.getSnapshot();
  if ((current.at.get(connectionId) ?? null) === at) return;
  const next = new Map(current.at);
  if (at === null) next.delete(connectionId);
  else next.set(connectionId, at);
  store.set({ ...current, at: next });
}

/** The moment a connection's chart shows, and the way to move it; `null` is "Live". */
export function useTimeTravel(connectionId: string): {
  at: number | null;
  travelTo(at: number | null): void;
} {
  const at = useSelector(store, (s: TimeTravelState) => s.at.get(connectionId) ?? null);
  const travelTo = useCallback((next: number | null) => setAt(connectionId, next), [connectionId]);
  return { at, travelTo };
}

/**
 * Selects the connection, switches to its State chart tab and shows it as it was at `at`
 * (the record taken at or before that time; `null` for now).
 */
export function openChartAt(connectionId: string, at: number | null): void {
  setAt(connectionId, at);
  const current = store.getSnapshot();
  store.set({ ...current, open: { connectionId, seq: (current.open?.seq ?? 0) + 1 } });
}

/** The latest open request, for App (select the connection) and Details (show the chart). */
export function useOpenRequest(): OpenRequest | null {
  return useSelector(store, (s: TimeTravelState) => s.open);
}

/** Back to now for every connection, and no pending request: for tests. */
export function resetTimeTravel(): void {
  store.set({ at: new Map(), open: null });
}
