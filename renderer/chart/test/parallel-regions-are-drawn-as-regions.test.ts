import { expect, test } from 'vitest';
import { createMachine } from 'xstate';
import { layoutChart } from '../layout.ts';
import { chartOf } from '../model.ts';
import { chartSvg } from '../svg.ts';

// None of the app's machines has a parallel state yet; the chart must still show one as such.
const machine = createMachine({
  id: 'session',
  type: 'parallel',
  states: {
    link: { initial: 'up', states: { up: { on: { DROP: 'down' } }, down: { on: { HEAL: 'up' } } } },
    work: {
      initial: 'idle',
      states: { idle: { on: { RUN: 'busy' } }, busy: { on: { DONE: 'idle' } } },
    },
  },
});

test('the regions of a parallel state are dashed boxes side by side, each with its states', async () => {
  const chart = chartOf(machine);
  expect(chart.nodes.filter((n) => n.region).map((n) => n.path)).toEqual(['link', 'work']);
  const layout = await layoutChart(chart);
  const link = layout.nodes.get('link')!;
  const work = layout.nodes.get('work')!;
  const apart =
    link.absX + link.width <= work.absX ||
    work.absX + work.width <= link.absX ||
    link.absY + link.height <= work.absY ||
    work.absY + work.height <= link.absY;
  expect(apart).toBe(true);
  for (const path of ['link.up', 'link.down']) {
    const p = layout.nodes.get(path)!;
    expect(p.absX).toBeGreaterThanOrEqual(link.absX);
    expect(p.absX + p.width).toBeLessThanOrEqual(link.absX + link.width);
  }
  const svg = chartSvg(chart, layout);
  expect(svg).toMatch(/data-state="link"><rect [^>]*stroke-dasharray="5 3"/);
  expect(svg).toMatch(/data-state="work"><rect [^>]*stroke-dasharray="5 3"/);
});
