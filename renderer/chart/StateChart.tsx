import '@xyflow/react/dist/base.css';
import {
  BaseEdge,
  Controls,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  Handle,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { connectionMachine } from '../../machines/connection.machine.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { activePaths } from '../lib/state-paths.ts';
import { type Layout, layoutChart, type PlacedNode } from './layout.ts';
import { acceptedEvents, type Chart, chartOf, edgesTaken, type UserEvent } from './model.ts';

/**
 * The connection machine drawn from its own definition (chartOf), laid out once by ELK, with
 * the view's state path lit and the edge just taken marked. User events on edges leaving an
 * active state are buttons: the chart is also a remote control.
 */

let chartPromise: Promise<{ chart: Chart; layout: Layout }> | null = null;
/** The machine does not change while the app runs: one layout for every connection. */
export function connectionChart() {
  chartPromise ??= (async () => {
    const chart = chartOf(connectionMachine);
    return { chart, layout: await layoutChart(chart) };
  })();
  return chartPromise;
}

interface StateData extends Record<string, unknown> {
  name: string;
  compound: boolean;
  active: boolean;
  entered: boolean;
  initial: boolean;
  final: boolean;
}

interface EdgeData extends Record<string, unknown> {
  points: { x: number; y: number }[];
  label: string;
  labelAt: { x: number; y: number; width: number; height: number } | null;
  taken: boolean;
  live: boolean;
  userEvent: UserEvent | null;
  onSend: ((event: UserEvent) => void) | null;
}

const StateNode = memo(function StateNode({ data }: NodeProps<Node<StateData>>) {
  const cls = [
    'chart-state',
    data.compound ? 'chart-compound' : 'chart-leaf',
    data.active && 'active',
    data.entered && 'entered',
    data.final && 'final',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-state={data.name} data-active={data.active || undefined}>
      <Handle
        type="target"
        position={Position.Top}
        className="chart-handle"
        isConnectable={false}
      />
      <span className="chart-state-name">
        {data.initial && <span className="chart-initial" aria-hidden="true" />}
        {data.name}
      </span>
      <Handle
        type="source"
        position={Position.Bottom}
        className="chart-handle"
        isConnectable={false}
      />
    </div>
  );
});

function roundedPath(points: { x: number; y: number }[], radius = 6): string {
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

const TransitionEdge = memo(function TransitionEdge({
  id,
  data,
  markerEnd,
}: EdgeProps<Edge<EdgeData>>) {
  if (!data) return null;
  const cls = ['chart-edge', data.taken && 'taken', data.live && 'live'].filter(Boolean).join(' ');
  const at = data.labelAt;
  const clickable = data.live && data.userEvent && data.onSend;
  return (
    <>
      <BaseEdge id={id} path={roundedPath(data.points)} markerEnd={markerEnd} className={cls} />
      {at && (
        <EdgeLabelRenderer>
          <div
            className={`chart-label${data.taken ? ' taken' : ''}${data.live ? ' live' : ''}`}
            ref={(el) => {
              // Through the CSSOM: the page's style-src policy allows it.
              if (el) el.style.transform = `translate(${at.x}px, ${at.y}px)`;
            }}
          >
            {clickable ? (
              <button
                type="button"
                className="chart-event nodrag nopan"
                title={`Send ${data.userEvent}`}
                onClick={() => data.onSend?.(data.userEvent!)}
              >
                {data.label}
              </button>
            ) : (
              <span>{data.label}</span>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/**
 * The whole machine does not fit at a readable size, so the view follows the active state:
 * the whole active top-level state where it fits at a readable zoom, else a readable zoom
 * centred on the active leaf. Zoom out, or "fit view", for the rest. Boxes come from the
 * layout and the pane's size from the element, so nothing waits for React Flow's measuring.
 */
const READABLE = 0.72;

function FollowActive({
  top,
  leaf,
  pane,
}: {
  top: PlacedNode | undefined;
  leaf: PlacedNode | undefined;
  pane: HTMLElement | null;
}) {
  const flow = useReactFlow();
  const first = useRef(true);
  useEffect(() => {
    if (!top || !leaf || !pane) return;
    const place = (animate: boolean) => {
      const { width, height } = pane.getBoundingClientRect();
      if (width === 0 || height === 0) return;
      const pad = 40;
      const fits = Math.min(1, (width - 2 * pad) / top.width, (height - 2 * pad) / top.height);
      const box = fits >= READABLE ? top : leaf;
      const zoom = Math.max(fits, READABLE);
      const x = width / 2 - (box.absX + box.width / 2) * zoom;
      const y = height / 2 - (box.absY + box.height / 2) * zoom;
      void flow.setViewport({ x, y, zoom }, { duration: animate ? 300 : 0 });
    };
    place(!first.current);
    first.current = false;
    const observer = new ResizeObserver(() => place(false));
    observer.observe(pane);
    return () => observer.disconnect();
  }, [top, leaf, pane, flow]);
  return null;
}

const nodeTypes = { state: StateNode };
const edgeTypes = { transition: TransitionEdge };

export function StateChart({
  view,
  onSend,
}: {
  view: ConnectionView;
  onSend: (event: UserEvent) => void;
}) {
  const [ready, setReady] = useState<{ chart: Chart; layout: Layout } | null>(null);
  const [pane, setPane] = useState<HTMLDivElement | null>(null);
  useEffect(() => {
    let live = true;
    connectionChart().then((r) => live && setReady(r));
    return () => {
      live = false;
    };
  }, []);

  // Every view update is a new object; the chart only changes when the state or the last
  // transition does, so it is keyed on their contents and React Flow re-renders for nothing else.
  const stateKey = JSON.stringify(view.state);
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the value, not the object
  const active = useMemo(() => activePaths(view.state), [stateKey]);
  const lastRecord = view.transitions[view.transitions.length - 1];
  const lastKey = lastRecord
    ? `${lastRecord.at}|${lastRecord.from}|${lastRecord.to}|${lastRecord.event}`
    : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the value, not the object
  const last = useMemo(() => lastRecord, [lastKey]);

  const { nodes, edges, accepted } = useMemo(() => {
    if (!ready) return { nodes: [], edges: [], accepted: new Set<UserEvent>() };
    const { chart, layout } = ready;
    const taken = edgesTaken(chart, last);
    const accepted = acceptedEvents(chart, active);
    const nodes: Node<StateData>[] = chart.nodes.map((n) => {
      const p = layout.nodes.get(n.path)!;
      return {
        id: n.path,
        type: 'state',
        position: { x: p.x, y: p.y },
        width: p.width,
        height: p.height,
        ...(n.parent ? { parentId: n.parent } : {}),
        draggable: false,
        selectable: false,
        data: {
          name: n.key,
          compound: n.compound,
          active: active.includes(n.path),
          entered: last?.to === n.path,
          initial: n.initial,
          final: n.final,
        },
        className: n.compound ? 'rf-compound' : 'rf-leaf',
        ariaLabel: `${n.path}${active.includes(n.path) ? ' (active)' : ''}`,
      };
    });
    const edges: Edge<EdgeData>[] = chart.edges.flatMap((e) => {
      const placed = layout.edges.get(e.id);
      if (!placed) return [];
      const live = active.includes(e.source);
      return [
        {
          id: e.id,
          source: e.source,
          target: e.target,
          type: 'transition',
          zIndex: taken.has(e.id) ? 3 : live ? 2 : 1,
          markerEnd: 'chart-arrow',
          data: {
            points: placed.points,
            label: e.label,
            labelAt: placed.label,
            taken: taken.has(e.id),
            live,
            userEvent: e.userEvent,
            onSend: e.userEvent ? onSend : null,
          },
        },
      ];
    });
    return { nodes, edges, accepted };
  }, [ready, active, last, onSend]);

  return (
    <div className="chart">
      <div className="chart-toolbar" role="toolbar" aria-label="Send an event">
        <span className="muted">Send event</span>
        {(['CONNECT', 'DISCONNECT', 'RETRY', 'WAKE'] as const).map((event) => (
          <button
            key={event}
            type="button"
            className="small mono"
            disabled={!accepted.has(event)}
            onClick={() => onSend(event)}
          >
            {event}
          </button>
        ))}
        <span className="chart-current" aria-live="off">
          <span className="muted">state</span>{' '}
          <code data-testid="chart-state">{active.at(-1)}</code>
        </span>
      </div>
      <div
        className="chart-canvas"
        ref={setPane}
        data-testid="state-chart"
        data-active={active.join(' ')}
      >
        <svg className="chart-defs" aria-hidden="true">
          <defs>
            <marker
              id="chart-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="chart-arrow-head" />
            </marker>
          </defs>
        </svg>
        {ready ? (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            minZoom={0.2}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            zoomOnDoubleClick={false}
            proOptions={{ hideAttribution: true }}
          >
            <FollowActive
              top={ready.layout.nodes.get(active[0] ?? '')}
              leaf={ready.layout.nodes.get(active.at(-1) ?? '')}
              pane={pane}
            />
            <Controls showInteractive={false} position="bottom-right" />
          </ReactFlow>
        ) : (
          <p className="empty">Laying out the chart…</p>
        )}
      </div>
    </div>
  );
}
