import { useVirtualizer } from '@tanstack/react-virtual';
import { useSelector } from '@xstate/react';
import { memo, useEffect, useRef, useState } from 'react';
import type { ConnectionStatus } from '../../machines/config.ts';
import type { TransitionRecord } from '../../machines/views.ts';
import { heightRef, leftPercentRef, translateYRef } from '../lib/cssom.ts';
import { eventText, formatClock, statusText } from '../lib/format.ts';
import {
  isGap,
  laneSpans,
  mergeRecords,
  type Span,
  type TimelineWindow,
  ticks,
  WINDOW_MS,
} from '../lib/timeline.ts';
import { useServices, useView } from '../store/app-context.tsx';
import { listEntries, sameEntries } from '../store/listing.ts';
import { openChartAt } from '../store/time-travel.ts';
import { Segmented } from './Segmented.tsx';

const ROW = 30;
/** The right edge moves with the clock; a pixel of a day-wide lane is about a minute. */
const TICK_MS = 10_000;
const STATUSES: ConnectionStatus[] = [
  'connected',
  'connecting',
  'reconnecting',
  'error',
  'disconnected',
];
const NO_RECORDS: TransitionRecord[] = [];
const RANGE_TEXT: Record<TimelineWindow, string> = {
  minutes: 'Last 10 minutes',
  hour: 'Last hour',
  day: 'Last day',
};
const RANGES = (['minutes', 'hour', 'day'] as const).map((w) => [w, RANGE_TEXT[w]] as const);

/**
 * Every connection's status over the last hour or day, one lane each (Grafana's state
 * timeline): drops show as amber and red stretches at a glance. A stretch is a button that
 * opens that connection's chart at the transition that began it.
 */
export function ConnectionsTimeline() {
  const { transport, views } = useServices();
  const entries = useSelector(views, listEntries, sameEntries);
  const [range, setRange] = useState<TimelineWindow>('hour');
  const [now, setNow] = useState(() => Date.now());
  const [history, setHistory] = useState<ReadonlyMap<string, TransitionRecord[]>>(new Map());
  const [failed, setFailed] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  // The durable history of the range, once per range; the live views bring what follows.
  useEffect(() => {
    let live = true;
    transport.invoke('list_history', { since: Date.now() - WINDOW_MS[range] }).then(
      (lanes) => {
        if (!live) return;
        setHistory(new Map(lanes.map((l) => [l.connectionId, l.records])));
        setFailed(null);
      },
      (error: { message?: string }) => live && setFailed(error.message ?? String(error)),
    );
    return () => {
      live = false;
    };
  }, [transport, range]);

  const from = now - WINDOW_MS[range];
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    getItemKey: (i) => entries[i]!.id,
    overscan: 10,
  });

  return (
    <section className="lanes" aria-label="All connections over time">
      <header className="lanes-header">
        <h2 className="screen-title">Timeline</h2>
        <ul className="lanes-legend" aria-label="Colours">
          {STATUSES.map((s) => (
            <li key={s} className={`lanes-key span-${s}`}>
              {statusText[s]}
            </li>
          ))}
        </ul>
        <span className="toolbar-gap" />
        <Segmented
          label="Time range"
          options={RANGES}
          value={range}
          onChange={(w) => {
            setRange(w);
            setNow(Date.now());
          }}
        />
      </header>
      <p className="muted lanes-hint">
        Each connection's status over the {RANGE_TEXT[range].toLowerCase()}. Pick a stretch, or
        focus it and press Enter, to open that connection's chart at that moment.
      </p>
      {failed && <p className="lanes-failed">The history could not be read: {failed}</p>}
      <div className="lanes-axis" aria-hidden="true">
        {ticks(from, now, range).map((t) => (
          <span
            key={t}
            className="lanes-tick"
            ref={leftPercentRef(((t - from) / (now - from)) * 100)}
          >
            {formatClock(t).slice(0, 5)}
          </span>
        ))}
      </div>
      <div ref={scrollRef} className="lanes-list">
        <div className="sidebar-canvas" ref={heightRef(virtualizer.getTotalSize())}>
          {virtualizer.getVirtualItems().map((v) => {
            const id = entries[v.index]!.id;
            return (
              <div key={v.key} className="sidebar-item" ref={translateYRef(v.start)}>
                <Lane id={id} from={from} to={now} recorded={history.get(id) ?? NO_RECORDS} />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}

const Lane = memo(function Lane({
  id,
  from,
  to,
  recorded,
}: {
  id: string;
  from: number;
  to: number;
  recorded: TransitionRecord[];
}) {
  const view = useView(id);
  if (!view) return null;
  const spans = laneSpans(mergeRecords(recorded, view.transitions), from, to, view.status);
  const gaps = spans.filter(isGap).length;
  const drops = dropsText(spans);
  const width = to - from;
  return (
    <div className="lanes-lane" data-lane={id}>
      <span className="lanes-name" title={view.config.name}>
        {view.config.name}
      </span>
      <svg className="lanes-bar" viewBox="0 0 1000 20" preserveAspectRatio="none">
        <title>{`${view.config.name}: ${drops}`}</title>
        {/* Drops last, so a short one is drawn over its neighbours, never under them. */}
        {[...spans.filter((sp) => !isGap(sp)), ...spans.filter(isGap)].map((span) => (
          <SpanRect
            key={span.start}
            id={id}
            span={span}
            x={((span.start - from) / width) * 1000}
            w={((span.end - span.start) / width) * 1000}
          />
        ))}
      </svg>
      <span className={gaps > 0 ? 'lanes-count has-gaps' : 'lanes-count'}>{drops}</span>
    </div>
  );
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 drops · 1 error": a drop is a stretch of reconnecting, an error one of error. */
function dropsText(spans: Span[]): string {
  const drops = spans.filter((s) => s.status === 'reconnecting').length;
  const errors = spans.filter((s) => s.status === 'error').length;
  const parts = [drops && plural(drops, 'drop'), errors && plural(errors, 'error')].filter(Boolean);
  return parts.length === 0 ? 'no drops' : parts.join(' · ');
}

function SpanRect({ id, span, x, w }: { id: string; span: Span; x: number; w: number }) {
  const at = span.record?.at ?? span.start;
  const record = span.record;
  const why = record
    ? `: ${record.from} → ${record.to} on ${eventText(record.event)}${record.error ? ` (${record.error.code ?? record.error.kind})` : ''}`
    : '';
  const label = `${statusText[span.status]} from ${formatClock(span.start)} to ${formatClock(span.end)}${why}`;
  const open = () => openChartAt(id, at);
  return (
    // A stretch narrower than a pixel still gets one, a drop a few, so a short drop shows.
    // biome-ignore lint/a11y/useSemanticElements: an SVG shape cannot be a <button>
    <rect
      className={`lanes-span span-${span.status}${span.record?.error ? ' span-failed' : ''}`}
      x={x}
      y={0}
      width={Math.max(w, isGap(span) ? 6 : 1.5)}
      height={20}
      role="button"
      tabIndex={0}
      aria-label={label}
      data-status={span.status}
      data-at={at}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      }}
    >
      <title>{label}</title>
    </rect>
  );
}
