import {
  BaseEdge,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  Handle,
  type Node,
  type NodeProps,
  Position,
} from '@xyflow/react';
import { memo, useCallback } from 'react';
import type { Layout } from './layout.ts';
import type { Chart, UserEvent } from './model.ts';

/**
 * The chart as React Flow nodes and edges. Every position and route comes from the layout;
 * React Flow only draws, pans and zooms. A node or edge object is reused while what it shows
 * is unchanged, so a state change re-renders the few that changed, not all ninety.
 */

export interface StateData extends Record<string, unknown> {
  name: string;
  compound: boolean;
  active: boolean;
  entered: boolean;
  initial: boolean;
  final: boolean;
  region: boolean;
  child: string | null;
}

export interface Line {
  text: string;
  /** A user event the chart can send from here (the transition leaves an active state). */
  send: UserEvent | null;
}

export interface EdgeData extends Record<string, unknown> {
  paths: { d: string; arrow: boolean }[];
  lines: Line[];
  labelAt: { x: number; y: number } | null;
  taken: boolean;
  live: boolean;
  spawn: boolean;
  onSend: ((event: UserEvent) => void) | null;
}

export const StateNode = memo(function StateNode({ data }: NodeProps<Node<StateData>>) {
  const cls = [
    'chart-state',
    data.compound ? 'chart-compound' : 'chart-leaf',
    data.active && 'active',
    data.entered && 'entered',
    data.final && 'final',
    data.region && 'region',
    data.child && 'child-actor',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-state={data.name} data-active={data.active || undefined}>
      <Handle type="target" position={Position.Top} className="chart-handle" />
      <span className="chart-state-name">
        {data.initial && <span className="chart-initial" aria-hidden="true" />}
        {data.name}
        {data.child && <span className="chart-child-tag">child actor</span>}
      </span>
      <Handle type="source" position={Position.Bottom} className="chart-handle" />
    </div>
  );
});

export function roundedPath(points: readonly { x: number; y: number }[], radius = 6): string {
  if (points.length === 0) return '';
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i - 1]!;
    const c = points[i]!;
    const n = points[i + 1]!;
    const r = Math.min(
      radius,
      Math.hypot(c.x - p.x, c.y - p.y) / 2,
      Math.hypot(n.x - c.x, n.y - c.y) / 2,
    );
    const a = { x: c.x - Math.sign(c.x - p.x) * r, y: c.y - Math.sign(c.y - p.y) * r };
    const b = { x: c.x + Math.sign(n.x - c.x) * r, y: c.y + Math.sign(n.y - c.y) * r };
    d += ` L ${a.x} ${a.y} Q ${c.x} ${c.y} ${b.x} ${b.y}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L ${last.x} ${last.y}`;
}

export const TransitionEdge = memo(function TransitionEdge({
  id,
  data,
}: EdgeProps<Edge<EdgeData>>) {
  const at = data?.labelAt ?? null;
  // Placed through the CSSOM (the page's style-src policy allows it), once per position: a new
  // ref function at each render would write the style again at each render.
  const x = at?.x;
  const y = at?.y;
  const place = useCallback(
    (el: HTMLDivElement | null) => {
      if (el) el.style.transform = `translate(${x}px, ${y}px)`;
    },
    [x, y],
  );
  if (!data) return null;
  const cls = ['chart-edge', data.taken && 'taken', data.live && 'live', data.spawn && 'spawn']
    .filter(Boolean)
    .join(' ');
  return (
    <>
      {data.paths.map((p, i) => (
        <BaseEdge
          // A fork's legs never change order: the layout is fixed.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={i}
          id={i === 0 ? id : `${id}-${i}`}
          path={p.d}
          markerEnd={
            p.arrow ? (data.taken ? 'url(#chart-arrow-taken)' : 'url(#chart-arrow)') : undefined
          }
          className={cls}
        />
      ))}
      {at && (
        <EdgeLabelRenderer>
          <div
            className={`chart-label${data.taken ? ' taken' : ''}${data.live ? ' live' : ''}`}
            title={data.lines.map((l) => l.text).join('\n')}
            ref={place}
          >
            {data.lines.map((line) =>
              line.send && data.onSend ? (
                <button
                  key={line.text}
                  type="button"
                  className="chart-event nodrag nopan"
                  title={`Send ${line.send}`}
                  onClick={() => data.onSend?.(line.send!)}
                >
                  {line.text}
                </button>
              ) : (
                <span key={line.text}>{line.text}</span>
              ),
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export interface Moment {
  active: ReadonlySet<string>;
  /** Chart edge ids of the transition shown. */
  taken: ReadonlySet<string>;
  entered: string | null;
}

/** Where StateNode draws its two handles: top centre in, bottom centre out. */
function handlesOf(width: number, height: number): NonNullable<Node['handles']> {
  return [
    { type: 'target', position: Position.Top, x: width / 2, y: 0, width: 1, height: 1 },
    { type: 'source', position: Position.Bottom, x: width / 2, y: height, width: 1, height: 1 },
  ];
}

type NodeCache = Map<string, { key: string; node: Node<StateData> }>;
type EdgeCache = Map<string, { key: string; edge: Edge<EdgeData> }>;

export function flowNodes(chart: Chart, layout: Layout, m: Moment, cache: NodeCache) {
  return chart.nodes.map((n) => {
    const active = m.active.has(n.path);
    const entered = m.entered === n.path;
    const key = `${active}|${entered}`;
    const hit = cache.get(n.path);
    if (hit && hit.key === key) return hit.node;
    const p = layout.nodes.get(n.path)!;
    const node: Node<StateData> = {
      id: n.path,
      type: 'state',
      position: { x: p.x, y: p.y },
      width: p.width,
      height: p.height,
      // Its size and handles known up front, as the layout gave them: a node object React Flow
      // has not seen has no measured handles, and every edge at it would draw nothing until
      // the DOM was measured again (each edge and its label unmounted, then mounted, a frame
      // later, at every state change).
      measured: { width: p.width, height: p.height },
      handles: handlesOf(p.width, p.height),
      ...(n.parent ? { parentId: n.parent } : {}),
      draggable: false,
      selectable: false,
      connectable: false,
      data: {
        name: n.key,
        compound: n.compound,
        active,
        entered,
        initial: n.initial,
        final: n.final,
        region: n.region,
        child: n.child,
      },
      className: n.compound ? 'rf-compound' : 'rf-leaf',
      ariaLabel: `${n.path}${active ? ' (active)' : ''}`,
    };
    cache.set(n.path, { key, node });
    return node;
  });
}

export function flowEdges(
  chart: Chart,
  layout: Layout,
  m: Moment,
  onSend: ((event: UserEvent) => void) | null,
  cache: EdgeCache,
) {
  const byId = new Map(chart.edges.map((e) => [e.id, e]));
  return [...layout.edges.values()].map((placed) => {
    const members = placed.members.map((id) => byId.get(id)!);
    const live = placed.sources.some((s) => m.active.has(s));
    const taken = placed.members.some((id) => m.taken.has(id));
    const lines = placed.lines.map((text) => {
      const sendable = members.find(
        (e) => e.label === text && e.userEvent && m.active.has(e.source),
      );
      return { text, send: onSend ? (sendable?.userEvent ?? null) : null };
    });
    const key = `${live}|${taken}|${lines.map((l) => l.send ?? '').join(',')}|${onSend !== null}`;
    const hit = cache.get(placed.id);
    if (hit && hit.key === key && hit.edge.data?.onSend === onSend) return hit.edge;
    const edge: Edge<EdgeData> = {
      id: placed.id,
      source: placed.sources[0]!,
      target: placed.target,
      type: 'transition',
      zIndex: taken ? 3 : live ? 2 : 1,
      data: {
        paths: placed.paths.map((p) => ({ d: roundedPath(p.points), arrow: p.arrow })),
        lines,
        labelAt: placed.label && { x: placed.label.x, y: placed.label.y },
        taken,
        live,
        spawn: placed.spawn,
        onSend,
      },
    };
    cache.set(placed.id, { key, edge });
    return edge;
  });
}
