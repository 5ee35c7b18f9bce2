import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Chart } from './model.ts';

/** Where ELK put everything, in the chart's own coordinates. */
export interface PlacedNode {
  path: string;
  /** Relative to the parent (as React Flow wants a child node), or to the chart for a top state. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Relative to the chart, whatever the nesting. */
  absX: number;
  absY: number;
}

export interface PlacedEdge {
  id: string;
  /** Absolute: start, bends, end. */
  points: { x: number; y: number }[];
  label: { x: number; y: number; width: number; height: number } | null;
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  edges: Map<string, PlacedEdge>;
  width: number;
  height: number;
}

// Measured for the chart's 12 px state names and 10.5 px edge labels (system UI font).
const nameWidth = (text: string) => Math.max(76, Math.ceil(text.length * 7.4) + 28);
const labelWidth = (text: string) => Math.ceil(text.length * 6) + 10;
const LEAF_HEIGHT = 30;
const LABEL_HEIGHT = 15;

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '22',
  'elk.layered.spacing.edgeNodeBetweenLayers': '8',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '5',
  'elk.spacing.nodeNode': '16',
  'elk.spacing.edgeNode': '8',
  'elk.spacing.edgeEdge': '5',
  'elk.spacing.edgeLabel': '2',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.edgeLabels.placement': 'CENTER',
  // The machine's own order: `disconnected` (the initial state) on top, `error` at the bottom.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
};

/** Lays a chart out with ELK's layered algorithm, compound states as nested graphs. */
export async function layoutChart(
  chart: Chart,
  options: Record<string, string> = {},
  compoundOptions: Record<string, string> = {},
): Promise<Layout> {
  const byParent = new Map<string | null, Chart['nodes']>();
  for (const node of chart.nodes) {
    const list = byParent.get(node.parent) ?? [];
    list.push(node);
    byParent.set(node.parent, list);
  }
  const build = (path: string | null): ElkNode[] =>
    (byParent.get(path) ?? []).map((node) =>
      node.compound
        ? {
            id: node.path,
            layoutOptions: {
              'elk.padding': '[top=34,left=14,bottom=14,right=14]',
              'elk.nodeSize.constraints': 'MINIMUM_SIZE',
              'elk.nodeSize.minimum': `(${nameWidth(node.key) + 20},60)`,
              ...compoundOptions,
            },
            children: build(node.path),
          }
        : { id: node.path, width: nameWidth(node.key), height: LEAF_HEIGHT },
    );
  const edges: ElkExtendedEdge[] = chart.edges.map((edge) => ({
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    labels: [{ text: edge.label, width: labelWidth(edge.label), height: LABEL_HEIGHT }],
  }));
  const elk = new ELK();
  const out: ElkNode = await elk.layout({
    id: '#root',
    layoutOptions: { ...ROOT_OPTIONS, ...options },
    children: build(null),
    edges,
  });

  const nodes = new Map<string, PlacedNode>();
  const absolute = new Map<string, { x: number; y: number }>([['#root', { x: 0, y: 0 }]]);
  const visit = (list: ElkNode[] | undefined, origin: { x: number; y: number }) => {
    for (const n of list ?? []) {
      const x = n.x ?? 0;
      const y = n.y ?? 0;
      const abs = { x: origin.x + x, y: origin.y + y };
      nodes.set(n.id, {
        path: n.id,
        x,
        y,
        width: n.width ?? 0,
        height: n.height ?? 0,
        absX: abs.x,
        absY: abs.y,
      });
      absolute.set(n.id, abs);
      visit(n.children, abs);
    }
  };
  visit(out.children, { x: 0, y: 0 });

  const placed = new Map<string, PlacedEdge>();
  for (const edge of (out.edges ?? []) as (ElkExtendedEdge & { container?: string })[]) {
    const o = absolute.get(edge.container ?? '#root') ?? { x: 0, y: 0 };
    const section = edge.sections?.[0];
    if (!section) continue;
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(
      (p) => ({ x: p.x + o.x, y: p.y + o.y }),
    );
    const l = edge.labels?.[0];
    placed.set(edge.id, {
      id: edge.id,
      points,
      label:
        l && l.x !== undefined && l.y !== undefined
          ? { x: l.x + o.x, y: l.y + o.y, width: l.width ?? 0, height: l.height ?? 0 }
          : null,
    });
  }
  return { nodes, edges: placed, width: out.width ?? 0, height: out.height ?? 0 };
}
