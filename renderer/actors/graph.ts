import ELK from 'elkjs/lib/elk.bundled.js';
import type { ConnectionView } from '../../machines/views.ts';

/** One actor of the running system, as the diagram draws it. */
export interface ActorNode {
  /** `manager`, `connection:<id>`, `tunnel:<id>`, `session:<sessionId>`. */
  id: string;
  kind: 'manager' | 'connection' | 'tunnel' | 'session';
  /** The connection it is, or belongs to; none for the manager. */
  connectionId?: string;
  sessionId?: string;
  parent?: string;
  width: number;
  height: number;
}

export interface ActorGraph {
  nodes: ActorNode[];
  /** Changes only when an actor is spawned or stopped: what a layout is computed for. */
  key: string;
  /** Connection actors drawn, of how many. */
  shown: number;
  total: number;
}

/** Past this many connection actors the diagram stops; the table lists every one. */
export const DIAGRAM_LIMIT = 60;

const SIZE = {
  manager: { width: 190, height: 64 },
  connection: { width: 230, height: 64 },
  tunnel: { width: 150, height: 40 },
  session: { width: 170, height: 40 },
} as const;

/**
 * The actor tree of the views: the manager, its connection actors (in the order given), each
 * one's tunnel child and its sessions (pinned backends; main/ holds them for the connection).
 */
export function actorGraph(views: readonly ConnectionView[], limit = DIAGRAM_LIMIT): ActorGraph {
  const nodes: ActorNode[] = [{ id: 'manager', kind: 'manager', ...SIZE.manager }];
  const shown = views.slice(0, limit);
  for (const view of shown) {
    const self = `connection:${view.id}`;
    nodes.push({
      id: self,
      kind: 'connection',
      connectionId: view.id,
      parent: 'manager',
      ...SIZE.connection,
    });
    if (view.tunnel) {
      nodes.push({
        id: `tunnel:${view.id}`,
        kind: 'tunnel',
        connectionId: view.id,
        parent: self,
        ...SIZE.tunnel,
      });
    }
    for (const session of view.sessions) {
      nodes.push({
        id: `session:${session.sessionId}`,
        kind: 'session',
        connectionId: view.id,
        sessionId: session.sessionId,
        parent: self,
        ...SIZE.session,
      });
    }
  }
  return {
    nodes,
    key: nodes.map((n) => n.id).join(' '),
    shown: shown.length,
    total: views.length,
  };
}

export interface Placed {
  x: number;
  y: number;
}

const elk = new ELK();

/** Left to right, as a tree reads: manager, its connections in a column, their children beside. */
export async function layoutActors(graph: ActorGraph): Promise<Map<string, Placed>> {
  const root = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'mrtree',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '8',
      'elk.mrtree.spacing.nodeNodeBetweenLayers': '56',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: graph.nodes
      .filter((n) => n.parent)
      .map((n) => ({ id: `${n.parent}>${n.id}`, sources: [n.parent!], targets: [n.id] })),
  });
  const placed = new Map<string, Placed>();
  for (const child of root.children ?? [])
    placed.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return placed;
}
