import { useEffect, useMemo, useRef, useState } from 'react';
import type { TransitionRecord } from '../../machines/views.ts';
import { useServices } from './app-context.tsx';

/**
 * A connection's whole recorded history for its chart's timeline: `get_history` (the durable
 * file and what is not written yet; the tunnel's transitions too), then, after the view says a
 * transition was taken, only what came since. Until the first answer (or when the host cannot
 * give one) it is the view's own recent transitions.
 *
 * A connect is several transitions within milliseconds: asking the host after each one put a
 * round trip and a second render of the chart between one status change and the next. The
 * follow-up asks once the transitions have settled (SETTLE_MS); meanwhile the view's newest
 * transitions, which it already carries, are shown after what the host gave.
 */

const SETTLE_MS = 150;

const same = (a: TransitionRecord, b: TransitionRecord) =>
  a.at === b.at &&
  a.from === b.from &&
  a.to === b.to &&
  a.event === b.event &&
  a.machine === b.machine;

/** `known`, then the records of `recent` it does not have yet (none older than its last). */
export function withRecent(
  known: readonly TransitionRecord[],
  recent: readonly TransitionRecord[],
): readonly TransitionRecord[] {
  const lastAt = known.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
  const tail = recent.filter((r) => {
    if (r.at < lastAt) return false;
    for (let i = known.length - 1; i >= 0 && known[i]!.at >= r.at; i--) {
      if (same(known[i]!, r)) return false;
    }
    return true;
  });
  return tail.length ? [...known, ...tail] : known;
}

export function useHistory(
  connectionId: string,
  recent: readonly TransitionRecord[],
): readonly TransitionRecord[] {
  const { transport } = useServices();
  const [records, setRecords] = useState<TransitionRecord[] | null>(null);
  const have = useRef<TransitionRecord[] | null>(null);
  const last = recent.at(-1);
  const key = last ? `${last.at}|${last.to}|${last.event}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new transition (key) asks again
  useEffect(() => {
    let live = true;
    const ask = () => {
      const known = have.current;
      const since = known?.at(-1)?.at;
      transport
        .invoke('get_history', since === undefined ? { connectionId } : { connectionId, since })
        .then(
          (fetched) => {
            if (!live) return;
            const next = known
              ? [
                  ...known,
                  ...fetched.filter((r) => !known.some((k) => k.at === r.at && same(k, r))),
                ]
              : fetched;
            have.current = next;
            setRecords(next);
          },
          () => {
            // No history from the host: the view's recent transitions stand in.
          },
        );
    };
    // The first answer at once; a follow-up when the burst of transitions is over.
    const timer = have.current ? setTimeout(ask, SETTLE_MS) : undefined;
    if (!timer) ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [transport, connectionId, key]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `recent` is new with every view; its last record (key) is what matters
  return useMemo(() => (records ? withRecent(records, recent) : recent), [records, key]);
}
