import { useEffect, useRef, useState } from 'react';
import type { TransitionRecord } from '../../machines/views.ts';
import { useServices } from './app-context.tsx';

/**
 * A connection's whole recorded history for its chart's timeline: `get_history` (the durable
 * file and what is not written yet; the tunnel's transitions too), then, each time the view
 * says a transition was taken, only what came since. Until the first answer (or when the host
 * cannot give one) it is the view's own recent transitions.
 */

const same = (a: TransitionRecord, b: TransitionRecord) =>
  a.at === b.at &&
  a.from === b.from &&
  a.to === b.to &&
  a.event === b.event &&
  a.machine === b.machine;

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
    const known = have.current;
    const since = known?.at(-1)?.at;
    transport
      .invoke('get_history', since === undefined ? { connectionId } : { connectionId, since })
      .then(
        (fetched) => {
          if (!live) return;
          const next = known
            ? [...known, ...fetched.filter((r) => !known.some((k) => k.at === r.at && same(k, r)))]
            : fetched;
          have.current = next;
          setRecords(next);
        },
        () => {
          // No history from the host: the view's recent transitions stand in.
        },
      );
    return () => {
      live = false;
    };
  }, [transport, connectionId, key]);
  return records ?? recent;
}
