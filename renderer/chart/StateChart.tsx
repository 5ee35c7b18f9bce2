import '@xyflow/react/dist/base.css';
import { Controls, ReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionView, TransitionRecord } from '../../machines/views.ts';
import { recordIndexAt, useTimeTravel } from '../store/time-travel.ts';
import { connectionChart, type LaidOut } from './charts.ts';
import { download, fileStem, historyJson, pngBlob, svgBlob } from './export.ts';
import { flowEdges, flowNodes, StateNode, TransitionEdge } from './flow.tsx';
import type { Box } from './layout.ts';
import { acceptedEvents, type UserEvent } from './model.ts';
import { type Focus, momentOf, Viewport, ZoomBucket } from './moment.tsx';
import { chartSvg } from './svg.ts';
import { Timeline } from './Timeline.tsx';

/**
 * The connection machine, with its tunnel child, drawn from its own definition and laid out
 * once (charts.ts). It opens fitted whole to its panel; "Zoom to state" goes to the active
 * state. Live, it lights the current states and the transition just taken, and the user
 * events leaving them are buttons. The timeline under it travels back: pick a mark and the
 * chart shows that moment (the states then, the transition taken); "Live" comes back.
 */

const nodeTypes = { state: StateNode };
const edgeTypes = { transition: TransitionEdge };
const NO_RECORDS: TransitionRecord[] = [];

export function StateChart({
  view,
  onSend,
  records = view.transitions,
}: {
  view: ConnectionView;
  onSend: (event: UserEvent) => void;
  /** The history to travel through; the view's recent transitions unless a longer one is given. */
  records?: readonly TransitionRecord[];
}) {
  const [ready, setReady] = useState<LaidOut | null>(null);
  const [pane, setPane] = useState<HTMLDivElement | null>(null);
  const [focus, setFocus] = useState<Focus>({ kind: 'fit' });
  const { at, nth, travelTo } = useTimeTravel(view.id);
  useEffect(() => {
    let live = true;
    connectionChart().then((r) => live && setReady(r));
    return () => {
      live = false;
    };
  }, []);

  const list = records.length ? records : NO_RECORDS;
  const index = at === null ? null : Math.max(0, recordIndexAt(list, at, nth));
  const travelling = index !== null && list.length > 0;
  // A view update is a new object every time; the moment only changes with the state, the
  // tunnel's state, the last transition, or the mark picked. Keyed on those values.
  const last = view.transitions.at(-1);
  const liveKey = `${JSON.stringify(view.state)}|${view.tunnel?.state}|${last?.at}|${last?.to}|${last?.event}`;
  const momentKey = travelling ? `at:${index}:${list[index]?.at}` : liveKey;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the values, not the objects
  const moment = useMemo(
    () => (ready ? momentOf(ready, view, list, travelling ? index : null) : null),
    [ready, momentKey],
  );
  const accepted = useMemo(
    () =>
      ready && moment && !travelling
        ? acceptedEvents(ready.chart, [...moment.active])
        : new Set<UserEvent>(),
    [ready, moment, travelling],
  );

  const nodeCache = useRef(new Map());
  const edgeCache = useRef(new Map());
  const sendFromChart = travelling ? null : onSend;
  const { nodes, edges } = useMemo(() => {
    if (!ready || !moment) return { nodes: [], edges: [] };
    return {
      nodes: flowNodes(ready.chart, ready.layout, moment, nodeCache.current),
      edges: flowEdges(ready.chart, ready.layout, moment, sendFromChart, edgeCache.current),
    };
  }, [ready, moment, sendFromChart]);

  const whole = useMemo<Box>(
    () => ({ x: 0, y: 0, width: ready?.layout.width ?? 1, height: ready?.layout.height ?? 1 }),
    [ready],
  );
  const activeLeaf = moment
    ? [...moment.active].filter((p) => !p.startsWith('@')).sort((a, b) => b.length - a.length)[0]
    : undefined;
  const zoomToState = () => {
    if (!ready || !activeLeaf) return;
    // The active top-level state, whole: its steps and the transitions between them.
    const top = ready.layout.nodes.get(activeLeaf.split('.')[0]!);
    if (top)
      setFocus({
        kind: 'box',
        box: { x: top.absX, y: top.absY, width: top.width, height: top.height },
      });
  };

  const svgNow = useCallback(
    () =>
      ready && moment
        ? chartSvg(ready.chart, ready.layout, {
            active: [...moment.active],
            taken: moment.taken,
            title: `${view.config.name}: ${moment.record ? `${moment.record.from} → ${moment.record.to}` : 'connection'}`,
          })
        : '',
    [ready, moment, view.config.name],
  );
  const stem = fileStem(view.config.name);
  // Stable while the history grows (it reads the latest through a ref): the timeline's marks
  // are memoised on it, and a new one would redraw every mark at each transition.
  const listRef = useRef(list);
  listRef.current = list;
  const pick = useCallback(
    (i: number | null) => {
      if (i === null) return travelTo(null);
      const list = listRef.current;
      const t = list[i]!.at;
      let n = 0;
      for (let j = i - 1; j >= 0 && list[j]!.at === t; j--) n++;
      travelTo(t, n);
    },
    [travelTo],
  );

  return (
    <div className="chart">
      <div className="chart-toolbar">
        <div className="chart-toolgroup" role="toolbar" aria-label="Send an event">
          <span className="muted">Send</span>
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
        </div>
        <div className="chart-toolgroup" role="toolbar" aria-label="View">
          <button
            type="button"
            className="small"
            aria-pressed={focus.kind === 'fit'}
            onClick={() => setFocus({ kind: 'fit' })}
          >
            Whole machine
          </button>
          <button
            type="button"
            className="small"
            aria-pressed={focus.kind === 'box'}
            onClick={zoomToState}
          >
            Zoom to state
          </button>
        </div>
        <div className="chart-toolgroup" role="toolbar" aria-label="Export">
          <span className="muted">Export</span>
          <button
            type="button"
            className="small"
            disabled={!ready}
            onClick={() => download(`${stem}-chart.svg`, svgBlob(svgNow()))}
          >
            SVG
          </button>
          <button
            type="button"
            className="small"
            disabled={!ready}
            onClick={() => void pngBlob(svgNow()).then((b) => download(`${stem}-chart.png`, b))}
          >
            PNG
          </button>
          <button
            type="button"
            className="small"
            onClick={() =>
              download(
                `${stem}-history.json`,
                new Blob([historyJson({ id: view.id, name: view.config.name }, list)], {
                  type: 'application/json',
                }),
              )
            }
          >
            History JSON
          </button>
        </div>
      </div>
      <div
        className={`chart-canvas${travelling ? ' travelling' : ''}`}
        ref={setPane}
        data-testid="state-chart"
        data-active={moment ? [...moment.active].join(' ') : ''}
        data-moment={travelling ? String(index) : 'live'}
        data-taken={edges
          .filter((e) => e.data?.taken)
          .flatMap((e) => e.data!.lines.map((l) => l.text))
          .join(' | ')}
      >
        {/* In the canvas's bottom-left corner, which the layout leaves empty: the toolbar keeps to one line at 1280 x 800, the chart gets its height. */}
        <span className="chart-current" aria-live="off">
          <span className="muted">{travelling ? 'then' : 'state'}</span>{' '}
          <code data-testid="chart-state">{activeLeaf}</code>
        </span>
        <svg className="chart-defs" aria-hidden="true">
          <defs>
            {['chart-arrow', 'chart-arrow-taken'].map((id) => (
              <marker
                key={id}
                id={id}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" className={`${id}-head`} />
              </marker>
            ))}
          </defs>
        </svg>
        {ready ? (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            minZoom={0.1}
            maxZoom={2}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            zoomOnDoubleClick={false}
            proOptions={{ hideAttribution: true }}
          >
            <Viewport focus={focus} whole={whole} pane={pane} />
            <ZoomBucket pane={pane} />
            <Controls showInteractive={false} showFitView={false} position="bottom-right" />
          </ReactFlow>
        ) : (
          <p className="empty">Laying out the chart…</p>
        )}
      </div>
      <Timeline records={list} selected={travelling ? index : null} onPick={pick} />
    </div>
  );
}
