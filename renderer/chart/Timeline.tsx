import { type KeyboardEvent, memo } from 'react';
import type { TransitionRecord } from '../../machines/views.ts';
import { eventText, formatClock, formatMs } from '../lib/format.ts';
import { isTunnelRecord } from './charts.ts';

/**
 * One mark per recorded transition, oldest on the left, in two lanes: the connection's, and
 * its tunnel's when it has one. Marks are evenly spaced, not placed by time: a connect is six
 * transitions within a few milliseconds, and each must stay pickable. A mark's colour is the
 * status it led to; an error is ringed and carries a "!". Picking one (click, or the arrow
 * keys on the focused strip; Home, End) shows the chart as it was then; "Live" comes back.
 */

const TUNNEL_STATUS: Record<string, string> = {
  connecting: 'connecting',
  open: 'connected',
  failed: 'error',
  lost: 'reconnecting',
};

export function statusOf(record: TransitionRecord): string {
  const top = record.to.split('.')[0]!;
  return isTunnelRecord(record) ? (TUNNEL_STATUS[top] ?? 'disconnected') : top;
}

export function Timeline({
  records,
  selected,
  onPick,
}: {
  records: readonly TransitionRecord[];
  /** Index into `records`, or null when live. */
  selected: number | null;
  onPick: (index: number | null) => void;
}) {
  const tunnel = records.some(isTunnelRecord);
  const last = records.length - 1;
  const onKey = (e: KeyboardEvent) => {
    const from = selected ?? records.length;
    const to =
      e.key === 'ArrowLeft'
        ? Math.max(0, from - 1)
        : e.key === 'ArrowRight'
          ? from + 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to === null || records.length === 0) return;
    e.preventDefault();
    onPick(to > last ? null : to);
  };
  const record = selected === null ? undefined : records[selected];
  const previous = selected === null ? undefined : records[selected - 1];
  return (
    <div className="travel">
      <div className="travel-bar">
        <div
          className={`travel-marks${tunnel ? ' two-lanes' : ''}`}
          role="listbox"
          aria-label="Recorded transitions, oldest first"
          aria-activedescendant={selected === null ? undefined : `mark-${selected}`}
          tabIndex={0}
          onKeyDown={onKey}
          data-testid="timeline"
        >
          {records.map((r, i) => (
            // Records have no id, and their order never changes: the index is theirs.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <Mark key={i} record={r} index={i} selected={i === selected} onPick={onPick} />
          ))}
        </div>
        <button
          type="button"
          className={`small travel-live${selected === null ? ' primary' : ''}`}
          aria-pressed={selected === null}
          onClick={() => onPick(null)}
        >
          Live
        </button>
      </div>
      <p className="travel-detail" aria-live="polite" data-testid="timeline-detail">
        {record ? (
          <>
            <span className="mono">{formatClock(record.at)}</span>
            <span>
              {isTunnelRecord(record) ? 'tunnel ' : ''}
              <code>{record.from}</code> → <code>{record.to}</code>
            </span>
            <span className="muted">on</span> <code>{eventText(record.event)}</code>
            {record.error && (
              <span className="travel-error">
                {record.error.kind}
                {record.error.code && <> · SQLSTATE {record.error.code}</>}
              </span>
            )}
            {previous && (
              <span className="muted">{formatMs(record.at - previous.at)} after the previous</span>
            )}
            <span className="muted">
              {selected! + 1} of {records.length}
            </span>
          </>
        ) : records.length === 0 ? (
          <span className="muted">No transitions recorded yet.</span>
        ) : (
          <span className="muted">
            Live. Pick a mark (or focus the strip and use ← →) to see the chart as it was then.
          </span>
        )}
      </p>
    </div>
  );
}

/**
 * One mark; the same record and selection render nothing new, so a transition re-renders the
 * new mark and the two whose selection changed, not the whole history.
 */
const Mark = memo(function Mark({
  record: r,
  index: i,
  selected,
  onPick,
}: {
  record: TransitionRecord;
  index: number;
  selected: boolean;
  onPick: (index: number) => void;
}) {
  const error = r.error
    ? `${r.error.kind}${r.error.code ? ` · SQLSTATE ${r.error.code}` : ''}`
    : '';
  return (
    // The keys are the strip's (a listbox moves with its arrows), not each mark's.
    // biome-ignore lint/a11y/useKeyWithClickEvents: see above
    <div
      id={`mark-${i}`}
      role="option"
      tabIndex={-1}
      aria-selected={selected}
      aria-label={`${formatClock(r.at)} ${r.from} to ${r.to}, ${eventText(r.event)}${error ? `, error ${error}` : ''}`}
      title={`${formatClock(r.at)}  ${r.from} → ${r.to}\n${eventText(r.event)}${error ? `\n${error}` : ''}`}
      className={[
        'travel-mark',
        `status-${statusOf(r)}`,
        isTunnelRecord(r) ? 'lane-tunnel' : 'lane-connection',
        r.error && 'failed',
        selected && 'selected',
      ]
        .filter(Boolean)
        .join(' ')}
      data-index={i}
      onClick={() => onPick(i)}
    >
      {r.error ? '!' : ''}
    </div>
  );
});
