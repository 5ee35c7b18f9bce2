import ELK, { type ElkExtendedEdge, type ElkNode, type ElkPort } from 'elkjs/lib/elk.bundled.js';
import { HEADER, LEAF_HEIGHT, labelHeight, labelWidth, nameWidth } from './measure.ts';
import type { Chart, ChartNode } from './model.ts';
import { placeRow, type RowLayout } from './rows.ts';

/** Where everything went, in the chart's own coordinates. */
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

type Point = { x: number; y: number };

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One arrow: every transition between the same two states, one label line each; and the same
 * transition (same label, same target) from several states is one arrow that forks, the way
 * DISCONNECT leaves every top state. ELK routes it as a hyperedge.
 */
export interface PlacedEdge {
  id: string;
  sources: string[];
  target: string;
  /** The chart edges it draws. */
  members: string[];
  lines: string[];
  spawn: boolean;
  /** Absolute polylines: a fork has several; `arrow` marks the ones that end at the target. */
  paths: { points: Point[]; arrow: boolean }[];
  label: Box | null;
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  edges: Map<string, PlacedEdge>;
  /** Chart edge id → the arrow that draws it. */
  edgeOf: Map<string, string>;
  width: number;
  height: number;
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '5',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '4',
  'elk.spacing.nodeNode': '20',
  'elk.spacing.edgeNode': '10',
  'elk.spacing.edgeEdge': '6',
  'elk.spacing.edgeLabel': '2',
  'elk.spacing.labelNode': '4',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  // Tight between layers, then compacted: the chart is fitted whole, and its height decides
  // the zoom in a landscape panel.
  'elk.layered.compaction.postCompaction.strategy': 'EDGE_LENGTH',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.edgeLabels.placement': 'CENTER',
  // The machine's own order: `disconnected` (the initial state) on top, `error` at the bottom.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
};

interface Group {
  id: string;
  sources: string[];
  target: string;
  members: string[];
  lines: string[];
  spawn: boolean;
}

/** Transitions between the same two states share one arrow. */
function byPair(chart: Chart): Group[] {
  const groups = new Map<string, Group>();
  for (const e of chart.edges) {
    const key = `${e.source}>${e.target}>${e.spawn}`;
    const g = groups.get(key);
    if (g) {
      g.members.push(e.id);
      if (!g.lines.includes(e.label)) g.lines.push(e.label);
    } else {
      groups.set(key, {
        id: '',
        sources: [e.source],
        target: e.target,
        members: [e.id],
        lines: [e.label],
        spawn: e.spawn,
      });
    }
  }
  return [...groups.values()];
}

/** Arrows with the same label into the same state become one that forks (not inside a row). */
function bundle(pairs: Group[], inRow: (g: Group) => boolean): Group[] {
  const out = new Map<string, Group>();
  for (const g of pairs) {
    const key = inRow(g)
      ? `row:${g.sources[0]}>${g.target}`
      : `${g.target}|${g.spawn}|${g.lines.join('\n')}`;
    const b = out.get(key);
    if (b) {
      b.sources.push(...g.sources);
      b.members.push(...g.members);
    } else
      out.set(key, { ...g, id: `g${out.size}`, sources: [...g.sources], members: [...g.members] });
  }
  return [...out.values()];
}

/**
 * A compound state whose children are all simple states is drawn as a row, its steps left to
 * right, laid out here rather than by ELK: ELK layers every simple state of the whole machine
 * in one sequence, and the two six-step connect sequences alone made the chart 2,300 px tall.
 * To ELK a row is one box, with a port under (outgoing) or over (incoming) each step that an
 * outside transition touches.
 */
const isRow = (node: ChartNode, kids: ChartNode[]) =>
  node.compound && !node.parallel && kids.length >= 2 && kids.every((k) => !k.compound);

/**
 * A compound state with compound children too (`reconnecting`: closing, waiting, failed and
 * `attempting`) puts its simple states in a row of their own, unnamed, beside the compound
 * ones: two layers instead of four.
 */
const ROW = '#row';
const hasRow = (node: ChartNode, kids: ChartNode[]) =>
  node.compound &&
  !node.parallel &&
  kids.some((k) => k.compound) &&
  kids.filter((k) => !k.compound).length >= 2;

/**
 * Lays a chart out: rows by hand (rows.ts), the rest by ELK's layered algorithm with compound
 * states as nested graphs. Deterministic: the same chart gives the same layout.
 */
export async function layoutChart(
  chart: Chart,
  options: Record<string, string> = {},
): Promise<Layout> {
  const kids = new Map<string | null, ChartNode[]>();
  for (const node of chart.nodes) {
    const list = kids.get(node.parent) ?? [];
    list.push(node);
    kids.set(node.parent, list);
  }
  const rowOf = new Map<string, string>(); // step → its row
  const rowSteps = new Map<string, { node: ChartNode; steps: ChartNode[]; named: boolean }>();
  for (const node of chart.nodes) {
    const children = kids.get(node.path) ?? [];
    if (isRow(node, children)) rowSteps.set(node.path, { node, steps: children, named: true });
    else if (hasRow(node, children)) {
      const steps = children.filter((k) => !k.compound);
      rowSteps.set(node.path + ROW, { node, steps, named: false });
    }
  }
  for (const [rowPath, { steps }] of rowSteps) for (const c of steps) rowOf.set(c.path, rowPath);
  const inside = (g: Group) => {
    const row = rowOf.get(g.sources[0]!);
    return g.sources.length === 1 && row !== undefined && row === rowOf.get(g.target);
  };
  const groups = bundle(byPair(chart), inside);
  const rows = new Map<string, RowLayout>();
  for (const [rowPath, { node, steps, named }] of rowSteps) {
    const mine = groups
      .filter((g) => inside(g) && rowOf.get(g.target) === rowPath)
      .map((g) => ({ ...g, source: g.sources[0]! }));
    rows.set(rowPath, placeRow(named ? node : null, steps, mine));
  }

  // Ports: a step's outside transitions leave from under it and arrive over it.
  const ports = new Map<string, ElkPort[]>();
  const portFor = (step: string, dir: 'out' | 'in') => {
    const rowPath = rowOf.get(step)!;
    const row = rows.get(rowPath)!;
    const at = row.steps.get(step)!;
    // In from above, clear of the row's name; the first step, under it, is entered from the left.
    let x = at.x + at.width / 2;
    let side: 'SOUTH' | 'NORTH' | 'WEST' = dir === 'out' ? 'SOUTH' : 'NORTH';
    if (side === 'NORTH' && x < row.headerEnd + 6) {
      x = row.headerEnd + 6;
      if (x > at.x + at.width - 6) side = 'WEST';
    }
    const id = `${step}|${side}`;
    const list = ports.get(rowPath) ?? [];
    if (!list.some((p) => p.id === id)) {
      list.push({
        id,
        x: side === 'WEST' ? 0 : x,
        y: side === 'SOUTH' ? row.height : side === 'NORTH' ? 0 : at.y + at.height / 2,
        width: 0,
        height: 0,
        layoutOptions: { 'elk.port.side': side },
      });
      ports.set(rowPath, list);
    }
    return id;
  };
  const elkEdges: ElkExtendedEdge[] = [];
  for (const g of groups) {
    if (inside(g)) continue;
    // ELK takes no hyperedges: one edge per source into the same end, the label on the first.
    const target = rowOf.has(g.target) ? portFor(g.target, 'in') : g.target;
    g.sources.forEach((s, i) => {
      elkEdges.push({
        id: `${g.id}#${i}`,
        sources: [rowOf.has(s) ? portFor(s, 'out') : s],
        targets: [target],
        labels:
          i === 0
            ? [
                {
                  text: g.lines.join('\n'),
                  width: labelWidth(g.lines),
                  height: labelHeight(g.lines),
                },
              ]
            : [],
      });
    });
  }

  const rowBox = (rowPath: string): ElkNode => {
    const row = rows.get(rowPath)!;
    return {
      id: rowPath,
      width: row.width,
      height: row.height,
      ports: ports.get(rowPath) ?? [],
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
    };
  };
  const build = (path: string | null): ElkNode[] =>
    (kids.get(path) ?? []).map((node): ElkNode => {
      if (rows.has(node.path)) return rowBox(node.path);
      if (node.compound) {
        return {
          id: node.path,
          layoutOptions: {
            'elk.padding': `[top=${HEADER + 8},left=12,bottom=12,right=12]`,
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
            'elk.nodeSize.minimum': `(${nameWidth(node.key) + 40},${HEADER + 36})`,
          },
          children: rows.has(node.path + ROW)
            ? [...build(node.path).filter((c) => !rowOf.has(c.id)), rowBox(node.path + ROW)]
            : build(node.path),
        };
      }
      return { id: node.path, width: nameWidth(node.key), height: LEAF_HEIGHT };
    });
  const elk = new ELK();
  const out: ElkNode = await elk.layout({
    id: '#root',
    layoutOptions: { ...ROOT_OPTIONS, ...options },
    children: build(null),
    edges: elkEdges,
  });

  const nodes = new Map<string, PlacedNode>();
  const absolute = new Map<string, { x: number; y: number }>([['#root', { x: 0, y: 0 }]]);
  const place = (path: string, x: number, y: number, w: number, h: number, origin: Point) => {
    const abs = { x: origin.x + x, y: origin.y + y };
    nodes.set(path, { path, x, y, width: w, height: h, absX: abs.x, absY: abs.y });
    absolute.set(path, abs);
    return abs;
  };
  const visit = (list: ElkNode[] | undefined, origin: Point) => {
    for (const n of list ?? []) {
      const row = rows.get(n.id);
      if (n.id.endsWith(ROW) && row) {
        // Not a state: its steps belong to the compound around it, placed relative to that.
        const x = n.x ?? 0;
        const y = n.y ?? 0;
        absolute.set(n.id, { x: origin.x + x, y: origin.y + y });
        for (const [step, at] of row.steps) {
          place(step, x + at.x, y + at.y, at.width, at.height, origin);
        }
        continue;
      }
      const abs = place(n.id, n.x ?? 0, n.y ?? 0, n.width ?? 0, n.height ?? 0, origin);
      if (row) {
        for (const [step, at] of row.steps) place(step, at.x, at.y, at.width, at.height, abs);
      }
      visit(n.children, abs);
    }
  };
  visit(out.children, { x: 0, y: 0 });

  const edges = new Map<string, PlacedEdge>();
  const byId = new Map(groups.map((g) => [g.id, g]));
  const step = (path: string) => nodes.get(path)!;
  for (const edge of (out.edges ?? []) as (ElkExtendedEdge & { container?: string })[]) {
    const [id, index] = edge.id.split('#') as [string, string];
    const g = byId.get(id)!;
    const source = g.sources[Number(index)]!;
    const o = absolute.get(edge.container ?? '#root') ?? { x: 0, y: 0 };
    const paths = (edge.sections ?? []).map((section) => {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(
        (p) => ({ x: p.x + o.x, y: p.y + o.y }),
      );
      // From the step itself, not the row's edge: a short leg down from it, or up into it.
      if (rowOf.has(source)) {
        const s = step(source);
        points.unshift({ x: points[0]!.x, y: s.absY + s.height });
      }
      if (rowOf.has(g.target))
        points.push({ x: points[points.length - 1]!.x, y: step(g.target).absY });
      return { points, arrow: true };
    });
    const placed = edges.get(id) ?? { ...g, paths: [], label: null };
    placed.paths.push(...paths);
    const l = edge.labels?.[0];
    if (l && l.x !== undefined && l.y !== undefined) {
      placed.label = { x: l.x + o.x, y: l.y + o.y, width: l.width ?? 0, height: l.height ?? 0 };
    }
    edges.set(id, placed);
  }
  for (const [rowPath, row] of rows) {
    const o = absolute.get(rowPath)!;
    for (const r of row.edges) {
      const g = byId.get(r.id)!;
      edges.set(g.id, {
        ...g,
        paths: [{ points: r.points.map((p) => ({ x: p.x + o.x, y: p.y + o.y })), arrow: true }],
        label: r.label && { ...r.label, x: r.label.x + o.x, y: r.label.y + o.y },
      });
    }
  }
  const edgeOf = new Map<string, string>();
  for (const g of groups) for (const m of g.members) edgeOf.set(m, g.id);
  return { nodes, edges, edgeOf, width: out.width ?? 0, height: out.height ?? 0 };
}
