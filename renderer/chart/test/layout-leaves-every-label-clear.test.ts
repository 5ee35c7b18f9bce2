import { expect, test } from 'vitest';
import { connectionChart } from '../charts.ts';
import type { Box } from '../layout.ts';
import { HEADER, LABEL_PX, NAME_PX, nameWidth } from '../measure.ts';

/**
 * From the layout's own boxes: no state's name is covered by another state, by an edge's
 * label, or crossed by an edge; no two edge labels overlap. Then fitted to the chart's panel
 * at 1280 × 800 and 1920 × 1080 (the canvas sizes measured in Chromium), the whole machine is
 * inside the panel and its state names are drawn large enough to read.
 */

const { chart, layout } = await connectionChart();

const overlap = (a: Box, b: Box, inset = 0.5) =>
  a.x + inset < b.x + b.width - inset &&
  b.x + inset < a.x + a.width - inset &&
  a.y + inset < b.y + b.height - inset &&
  b.y + inset < a.y + a.height - inset;

/** Where a state's name is drawn: all of a simple state, the header of a compound one. */
const nameBoxes = chart.nodes.map((n) => {
  const p = layout.nodes.get(n.path)!;
  const box: Box = n.compound
    ? { x: p.absX, y: p.absY, width: nameWidth(n.key) + (n.child ? 110 : 0), height: HEADER }
    : { x: p.absX, y: p.absY, width: p.width, height: p.height };
  return { path: n.path, box };
});
const within = (path: string, ancestor: string) =>
  path === ancestor || path.startsWith(`${ancestor}.`) || ancestor.startsWith(`${path}.`);

test('no state name is covered by another state', () => {
  const hits: string[] = [];
  for (const { path, box } of nameBoxes) {
    for (const other of chart.nodes) {
      if (within(path, other.path)) continue;
      const o = layout.nodes.get(other.path)!;
      if (overlap(box, { x: o.absX, y: o.absY, width: o.width, height: o.height }))
        hits.push(`${path} under ${other.path}`);
    }
  }
  // A compound's children must stay clear of its header too.
  for (const { path, box } of nameBoxes) {
    const node = chart.nodes.find((n) => n.path === path)!;
    if (!node.compound) continue;
    for (const child of chart.nodes.filter((n) => n.parent === path)) {
      const c = layout.nodes.get(child.path)!;
      if (overlap(box, { x: c.absX, y: c.absY, width: c.width, height: c.height }))
        hits.push(`${path}'s name under ${child.path}`);
    }
  }
  expect(hits).toEqual([]);
});

test('no edge label covers a state name or another edge label', () => {
  const labels = [...layout.edges.values()].filter((e) => e.label);
  expect(labels.length).toBeGreaterThan(30);
  const hits: string[] = [];
  for (const e of labels) {
    for (const { path, box } of nameBoxes) {
      if (overlap(e.label!, box)) hits.push(`${e.lines.join('/')} on ${path}`);
    }
    for (const f of labels) {
      if (f !== e && overlap(e.label!, f.label!))
        hits.push(`${e.lines.join('/')} on ${f.lines.join('/')}`);
    }
  }
  expect(hits).toEqual([]);
});

test('no edge crosses a state name', () => {
  const hits: string[] = [];
  for (const e of layout.edges.values()) {
    for (const { points } of e.paths) {
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        const b = points[i]!;
        const seg: Box = {
          x: Math.min(a.x, b.x),
          y: Math.min(a.y, b.y),
          width: Math.abs(a.x - b.x) || 0.01,
          height: Math.abs(a.y - b.y) || 0.01,
        };
        for (const { path, box } of nameBoxes) {
          // Its own ends touch the border; 2 px in from it is the name.
          if (overlap(seg, box, 2) && !e.sources.includes(path) && e.target !== path)
            hits.push(`${e.lines.join('/')} across ${path}`);
        }
      }
    }
  }
  expect(hits).toEqual([]);
});

// The canvas (.chart-canvas) measured in Chromium at each window size.
const PANES = [
  ['1280 x 800', { width: 922, height: 608 }, 0.47, 10],
  ['1920 x 1080', { width: 1220, height: 888 }, 0.68, 14.5],
] as const;
const fitted = (pane: { width: number; height: number }) =>
  Math.min((pane.width - 24) / layout.width, (pane.height - 24) / layout.height);

test.each(PANES)('fitted at %s, the whole machine is inside the panel', (_, pane, least) => {
  const zoom = fitted(pane);
  // How far the whole machine must shrink to fit: ELK alone needed 0.22 at 1280 x 800.
  expect(zoom).toBeGreaterThanOrEqual(least);
  expect(layout.width * zoom).toBeLessThanOrEqual(pane.width);
  expect(layout.height * zoom).toBeLessThanOrEqual(pane.height);
  // Every state lands inside the panel once fitted.
  for (const p of layout.nodes.values()) {
    expect(p.absX + p.width).toBeLessThanOrEqual(layout.width + 0.5);
    expect(p.absY + p.height).toBeLessThanOrEqual(layout.height + 0.5);
  }
});

test.each(PANES)(
  'fitted at %s, every state name is drawn readable (at least 10 px, 14.5 at 1920 x 1080)',
  (_, pane, _least, px) => {
    const zoom = fitted(pane);
    // Every state's box holds its name at NAME_PX: a leaf is as tall as a line of it, a compound's
    // header too; on screen that is NAME_PX × zoom.
    for (const n of chart.nodes) {
      const p = layout.nodes.get(n.path)!;
      expect(Math.min(p.height, n.compound ? HEADER : p.height)).toBeGreaterThanOrEqual(NAME_PX);
      expect(p.width).toBeGreaterThanOrEqual(nameWidth(n.key));
    }
    expect(NAME_PX * zoom).toBeGreaterThanOrEqual(px);
    // Names set large against the labels: the labels are read zoomed in or on hover.
    expect(NAME_PX / LABEL_PX).toBeGreaterThanOrEqual(2.5);
  },
);
