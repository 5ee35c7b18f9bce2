import type { ConnectionStatus } from '../../machines/config.ts';
import { statusOfPath, type TransitionRecord } from '../../machines/views.ts';

/** How far back the all-connections timeline looks: an incident of seconds needs the closest. */
export type TimelineWindow = 'minutes' | 'hour' | 'day';
export const WINDOW_MS: Record<TimelineWindow, number> = {
  minutes: 600_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** One stretch of a lane: a status held from `start` to `end` (epoch ms). */
export interface Span {
  start: number;
  end: number;
  status: ConnectionStatus;
  /** The transition that began it; null for the stretch already going when the window opens. */
  record: TransitionRecord | null;
}

const keyOf = (r: TransitionRecord) => `${r.at}|${r.machine ?? ''}|${r.from}|${r.to}|${r.event}`;

/**
 * The records of both sources once each, oldest first: what the history command answered and
 * what the live view has brought since (the view's list is its last few hundred, the history
 * the whole window).
 */
export function mergeRecords(a: readonly TransitionRecord[], b: readonly TransitionRecord[]) {
  const seen = new Set<string>();
  const out: TransitionRecord[] = [];
  for (const r of [...a, ...b]) {
    const key = keyOf(r);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out.sort((x, y) => x.at - y.at);
}

/**
 * A connection's lane between `from` and `to`: one span per status it held, a new span only
 * when the status changes (`connected.idle` → `connected.pinging` is still connected). Before
 * its first record in the window a connection was in that record's `from`; with none, in its
 * status now. The tunnel's records are its own machine's and do not change the status.
 */
export function laneSpans(
  records: readonly TransitionRecord[],
  from: number,
  to: number,
  current: ConnectionStatus,
): Span[] {
  const own = records.filter((r) => r.machine !== 'tunnel' && r.at >= from && r.at <= to);
  const first = own[0];
  const spans: Span[] = [
    { start: from, end: to, status: first ? statusOfPath(first.from) : current, record: null },
  ];
  for (const record of own) {
    const status = statusOfPath(record.to);
    const last = spans[spans.length - 1]!;
    if (status === last.status) continue;
    last.end = record.at;
    spans.push({ start: record.at, end: to, status, record });
  }
  // A stretch that ends where it starts (the window opened on a transition) draws nothing.
  return spans.filter((s) => s.end > s.start || s.record !== null);
}

/** The stretches a user would call a drop: reconnecting or in error. */
export const isGap = (span: Span) => span.status === 'reconnecting' || span.status === 'error';

/** Axis ticks: every 2 minutes over 10, every 10 minutes over an hour, every 3 hours over a day. */
const TICK_STEP: Record<TimelineWindow, number> = {
  minutes: 120_000,
  hour: 600_000,
  day: 3 * 3_600_000,
};

export function ticks(from: number, to: number, window: TimelineWindow): number[] {
  const step = TICK_STEP[window];
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}
