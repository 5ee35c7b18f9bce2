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

/** A moment: a record's time, and which of the records with that very time (0 = the first). */
interface Moment {
  at: number;
  nth: number;
}

interface TimeTravelState {
  at: ReadonlyMap<string, Moment>;
  /** The last request to show a connection's chart; App selects it, Details shows the chart tab. */
  open: OpenRequest | null;
}

const store = createValueStore<TimeTravelState>({ at: new Map(), open: null });

function setAt(connectionId: string, at: number | null, nth = 0) {
  const current = store.getSnapshot();
  const was = current.at.get(connectionId);
  if (at === null ? !was : was?.at === at && was.nth === nth) return;
  const next = new Map(current.at);
  if (at === null) next.delete(connectionId);
  else next.set(connectionId, { at, nth });
  store.set({ ...current, at: next });
}

/**
 * The moment a connection's chart shows, and the way to move it; `null` is "Live". Records a
 * millisecond apart share a time, so `nth` says which of them (the chart's own marks pass it).
 */
export function useTimeTravel(connectionId: string): {
  at: number | null;
  nth: number;
  travelTo(at: number | null, nth?: number): void;
} {
  const moment = useSelector(store, (s: TimeTravelState) => s.at.get(connectionId));
  const travelTo = useCallback(
    (next: number | null, nth?: number) => setAt(connectionId, next, nth),
    [connectionId],
  );
  return { at: moment?.at ?? null, nth: moment?.nth ?? 0, travelTo };
}

/**
 * The record a moment shows: the `nth` of those taken at `at`, else the last one before it
 * (a time from a timeline falls between records). -1 when there is none that early.
 */
export function recordIndexAt(records: readonly { at: number }[], at: number, nth = 0): number {
  let last = -1;
  let seen = 0;
  for (let i = 0; i < records.length; i++) {
    const t = records[i]!.at;
    if (t > at) break;
    if (t === at && seen++ === nth) return i;
    last = i;
  }
  return last;
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
