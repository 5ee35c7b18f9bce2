import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import type { ConnectionView, TransitionRecord } from '../../machines/views.ts';
import { activePaths } from '../lib/state-paths.ts';
import {
  chartRecord,
  isTunnelRecord,
  type LaidOut,
  pathAndAncestors,
  TUNNEL_CHILD,
} from './charts.ts';
import type { Moment } from './flow.tsx';
import type { Box } from './layout.ts';
import { LABEL_PX } from './measure.ts';
import { childPath, edgesTaken } from './model.ts';

export type Focus = { kind: 'fit' } | { kind: 'box'; box: Box };

/** Keeps the view where the user asked: the whole chart, or a box, refitted when the pane resizes. */
export function Viewport({
  focus,
  whole,
  pane,
}: {
  focus: Focus;
  whole: Box;
  pane: HTMLElement | null;
}) {
  const flow = useReactFlow();
  const first = useRef(true);
  useEffect(() => {
    if (!pane) return;
    const place = (animate: boolean) => {
      const { width, height } = pane.getBoundingClientRect();
      if (width === 0 || height === 0) return;
      const box = focus.kind === 'fit' ? whole : focus.box;
      const pad = focus.kind === 'fit' ? 12 : 40;
      const zoom = Math.min(1.2, (width - 2 * pad) / box.width, (height - 2 * pad) / box.height);
      const x = width / 2 - (box.x + box.width / 2) * zoom;
      const y = height / 2 - (box.y + box.height / 2) * zoom;
      void flow.setViewport({ x, y, zoom }, { duration: animate ? 250 : 0 });
    };
    place(!first.current);
    first.current = false;
    const observer = new ResizeObserver(() => place(false));
    observer.observe(pane);
    return () => observer.disconnect();
  }, [focus, whole, pane, flow]);
  return null;
}

/**
 * How large the transition labels are on screen, as `data-zoom` on the pane: far (under 6 px,
 * the whole machine fitted), mid, near. The stylesheet magnifies a hovered label by it.
 */
export function ZoomBucket({ pane }: { pane: HTMLElement | null }) {
  const zoom = useStore((s) => s.transform[2]);
  const px = LABEL_PX * zoom;
  const bucket = px < 6 ? 'far' : px < 10 ? 'mid' : 'near';
  useEffect(() => {
    if (pane) pane.dataset.zoom = bucket;
  }, [pane, bucket]);
  return null;
}

/** The states and transition of a moment: live from the view, or as of record `index`. */
export function momentOf(
  ready: LaidOut,
  view: ConnectionView,
  records: readonly TransitionRecord[],
  index: number | null,
): Moment & { record: TransitionRecord | undefined } {
  const tunnelRoot = childPath(TUNNEL_CHILD.id);
  if (index === null) {
    const record = view.transitions.at(-1);
    const active = new Set(activePaths(view.state));
    if (view.tunnel) {
      for (const p of pathAndAncestors(`${tunnelRoot}.${view.tunnel.state}`)) active.add(p);
    }
    return {
      active,
      taken: edgesTaken(ready.chart, record && chartRecord(record)),
      entered: record ? chartRecord(record).to : null,
      record,
    };
  }
  const record = records[index]!;
  const lastOf = (tunnel: boolean) => {
    for (let i = index; i >= 0; i--) if (isTunnelRecord(records[i]!) === tunnel) return records[i];
    return undefined;
  };
  const active = new Set<string>();
  const conn = lastOf(false);
  if (conn) for (const p of pathAndAncestors(conn.to)) active.add(p);
  const tunnel = lastOf(true);
  if (tunnel) for (const p of pathAndAncestors(chartRecord(tunnel).to)) active.add(p);
  const shown = chartRecord(record);
  return { active, taken: edgesTaken(ready.chart, shown), entered: shown.to, record };
}
