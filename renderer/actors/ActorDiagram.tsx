import '@xyflow/react/dist/base.css';
import { useSelector } from '@xstate/react';
import {
  type Edge,
  Handle,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { memo, useEffect, useMemo, useState } from 'react';
import type { ConnectionView } from '../../machines/views.ts';
import { leafPath } from '../lib/state-paths.ts';
import { useServices, useView } from '../store/app-context.tsx';
import { listEntries } from '../store/listing.ts';
import { openChartAt } from '../store/time-travel.ts';
import type { ViewsSnapshot } from '../store/views-store.ts';
import { type ActorGraph, type ActorNode, actorGraph, layoutActors, type Placed } from './graph.ts';

type Data = ActorNode & Record<string, unknown>;

const Ports = () => (
  <>
    <Handle type="target" position={Position.Left} isConnectable={false} />
    <Handle type="source" position={Position.Right} isConnectable={false} />
  </>
);

const ManagerNode = memo(function ManagerNode() {
  const { views } = useServices();
  const count = useSelector(views, (s: ViewsSnapshot) => s.ids.length);
  return (
    <div className="actor-node actor-node-manager" data-actor="manager">
      <span className="actor-kind">manager</span>
      <span className="actor-node-title">
        {count} connection actor{count === 1 ? '' : 's'}
      </span>
      <span className="muted">spawns, routes, reports</span>
      <Ports />
    </div>
  );
});

/** A connection actor: its name, systemId and live state; a click opens its chart. */
const ConnectionNode = memo(function ConnectionNode({ data }: NodeProps<Node<Data>>) {
  const view = useView(data.connectionId!);
  if (!view) return null;
  const state = leafPath(view.state);
  return (
    <button
      type="button"
      className={`actor-node actor-node-connection span-border-${view.status}`}
      data-actor={data.connectionId}
      data-state={state}
      aria-label={`${view.config.name}: ${state}. Open its chart`}
      onClick={() => openChartAt(view.id, null)}
    >
      <span className="actor-node-title">{view.config.name}</span>
      <code className="actor-node-state">{state}</code>
      <code className="actor-node-id">connection:{view.id.slice(0, 8)}</code>
      <Ports />
    </button>
  );
});

const TunnelNode = memo(function TunnelNode({ data }: NodeProps<Node<Data>>) {
  const view = useView(data.connectionId!);
  const state = view?.tunnel?.state ?? 'stopped';
  return (
    <button
      type="button"
      className={`actor-node actor-node-child tunnel-${state}`}
      data-actor={`tunnel:${data.connectionId}`}
      aria-label={`SSH tunnel of ${view?.config.name ?? 'a connection'}: ${state}. Open the chart`}
      onClick={() => openChartAt(data.connectionId!, null)}
    >
      <span className="actor-kind">tunnel</span>
      <code className="actor-node-state">{state}</code>
      <Ports />
    </button>
  );
});

const SessionNode = memo(function SessionNode({ data }: NodeProps<Node<Data>>) {
  const view = useView(data.connectionId!);
  const session = view?.sessions.find((s) => s.sessionId === data.sessionId);
  const what = session ? `${session.transaction}${session.busy ? ', running' : ''}` : 'closed';
  return (
    <div className="actor-node actor-node-child" data-actor={`session:${data.sessionId}`}>
      <span className="actor-kind">session</span>
      <code className="actor-node-state">{what}</code>
      <Ports />
    </div>
  );
});

const nodeTypes = {
  manager: ManagerNode,
  connection: ConnectionNode,
  tunnel: TunnelNode,
  session: SessionNode,
};

/** What the diagram's shape depends on: the connections in order and their children. */
function shapeOf(snapshot: ViewsSnapshot): ConnectionView[] {
  return listEntries(snapshot).map((e) => snapshot.byId.get(e.id)!);
}

/**
 * The actor system drawn as the tree it is (React Flow, laid out by ELK): the manager, its
 * connection actors with their live state, each one's tunnel child and sessions. The layout is
 * computed when an actor is spawned or stopped; a state change redraws its node alone.
 */
export function ActorDiagram() {
  const { views } = useServices();
  const graph = useSelector(views, (s: ViewsSnapshot) => actorGraph(shapeOf(s)), sameGraph);
  const [placed, setPlaced] = useState<{ key: string; at: Map<string, Placed> } | null>(null);

  useEffect(() => {
    let live = true;
    layoutActors(graph).then((at) => live && setPlaced({ key: graph.key, at }));
    return () => {
      live = false;
    };
  }, [graph]);

  const { nodes, edges } = useMemo(
    () => flowOf(graph, placed?.key === graph.key ? placed.at : null),
    [graph, placed],
  );

  return (
    <div className="actor-diagram" data-testid="actor-diagram">
      {graph.shown < graph.total && (
        <p className="muted actor-diagram-note">
          The diagram shows {graph.shown} of {graph.total} connection actors; the table lists every
          one.
        </p>
      )}
      {nodes.length > 0 ? (
        <ReactFlowProvider>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={{ padding: 0.04, maxZoom: 1 }}
            minZoom={0.1}
            maxZoom={1.5}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            zoomOnDoubleClick={false}
            proOptions={{ hideAttribution: true }}
          />
        </ReactFlowProvider>
      ) : (
        <p className="empty">Laying out the actors…</p>
      )}
    </div>
  );
}

function flowOf(graph: ActorGraph, at: Map<string, Placed> | null) {
  if (!at) return { nodes: [], edges: [] };
  const nodes: Node<Data>[] = graph.nodes.map((n) => ({
    id: n.id,
    type: n.kind,
    position: at.get(n.id) ?? { x: 0, y: 0 },
    width: n.width,
    height: n.height,
    draggable: false,
    selectable: false,
    data: n as Data,
  }));
  const edges: Edge[] = graph.nodes
    .filter((n) => n.parent)
    .map((n) => ({
      id: `${n.parent}>${n.id}`,
      source: n.parent!,
      target: n.id,
      type: 'smoothstep',
      className: 'actor-edge',
    }));
  return { nodes, edges };
}

const sameGraph = (a: ActorGraph, b: ActorGraph) => a.key === b.key && a.total === b.total;
