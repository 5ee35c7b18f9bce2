import { HEADER, LEAF_HEIGHT, labelHeight, labelWidth, nameWidth } from './measure.ts';
import type { ChartNode } from './model.ts';

/**
 * The inside of a row (see layout.ts): steps left to right in the machine's order. A transition
 * to the next step is a short arrow across the gap, its label over it, the gap as wide as the
 * label; any other (back, skipping a step, to itself) runs in a lane of its own under the
 * steps, shortest first, its label on the lane. Coordinates are relative to the row's box.
 */

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RowLayout {
  /** Where the row's name ends: an edge coming in from above must not cross it. */
  headerEnd: number;
  width: number;
  height: number;
  steps: Map<string, Box>;
  edges: { id: string; points: { x: number; y: number }[]; label: Box | null }[];
}

const PAD = 12;

export function placeRow(
  /** The row's own state, named over it; null for the unnamed row of a compound's simple states. */
  node: ChartNode | null,
  steps: ChartNode[],
  inner: { id: string; source: string; target: string; lines: string[] }[],
): RowLayout {
  const index = new Map(steps.map((s, i) => [s.path, i]));
  const next = inner.filter((g) => index.get(g.target)! === index.get(g.source)! + 1);
  const arcs = inner
    .filter((g) => !next.includes(g))
    .sort(
      (a, b) =>
        Math.abs(index.get(a.target)! - index.get(a.source)!) -
        Math.abs(index.get(b.target)! - index.get(b.source)!),
    );
  const over = Math.max(0, ...next.map((g) => labelHeight(g.lines)));
  // The labels over the arrows must clear the row's own name.
  const header = node ? HEADER : 0;
  const top = Math.max(node ? HEADER + 8 : 4, header + over - LEAF_HEIGHT / 2 + 6);
  const mid = top + LEAF_HEIGHT / 2;

  const boxes = new Map<string, Box>();
  const edges: RowLayout['edges'] = [];
  let x = PAD;
  steps.forEach((step, i) => {
    if (i > 0) {
      const into = next.find((g) => index.get(g.target) === i);
      const gap = into ? Math.max(30, labelWidth(into.lines) + 14) : 24;
      if (into) {
        const w = labelWidth(into.lines);
        const h = labelHeight(into.lines);
        edges.push({
          id: into.id,
          points: [
            { x, y: mid },
            { x: x + gap, y: mid },
          ],
          label: { x: x + (gap - w) / 2, y: mid - 3 - h, width: w, height: h },
        });
      }
      x += gap;
    }
    const width = nameWidth(step.key);
    boxes.set(step.path, { x, y: top, width, height: LEAF_HEIGHT });
    x += width;
  });
  let width = Math.max(x + PAD, node ? nameWidth(node.key) + 2 * PAD + 20 : 0);

  let y = top + LEAF_HEIGHT + 8;
  for (const g of arcs) {
    const s = boxes.get(g.source)!;
    const t = boxes.get(g.target)!;
    const h = labelHeight(g.lines);
    const w = labelWidth(g.lines);
    const lane = y + h / 2 + 2;
    // Off the step's centre, where the ports of outside transitions are.
    const sx = s.x + s.width / 2 + (g.target === g.source ? -10 : t.x < s.x ? -8 : 8);
    const tx = t.x + t.width / 2 + (g.target === g.source ? 10 : t.x < s.x ? 8 : -8);
    const bottom = top + LEAF_HEIGHT;
    edges.push({
      id: g.id,
      points: [
        { x: sx, y: bottom },
        { x: sx, y: lane },
        { x: tx, y: lane },
        { x: tx, y: bottom },
      ],
      label: { x: (sx + tx) / 2 - w / 2, y: lane - h / 2, width: w, height: h },
    });
    width = Math.max(width, (sx + tx) / 2 + w / 2 + PAD);
    y += h + 6;
  }
  return {
    headerEnd: node ? 10 + nameWidth(node.key) : 0,
    width,
    height: y + 4,
    steps: boxes,
    edges,
  };
}
