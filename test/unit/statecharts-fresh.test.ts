import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHARTS,
  EMBEDDING_DOCS,
  embedCharts,
  REPO_ROOT,
  renderChartDoc,
} from '../../scripts/statecharts.ts';

describe('the committed state-chart docs', () => {
  it.each(CHARTS.map((chart) => [chart.file, chart] as const))(
    '%s matches the machine it was generated from',
    (file, chart) => {
      const path = resolve(REPO_ROOT, file);
      // A checkout with CRLF line endings is not a stale chart.
      const committed = existsSync(path) ? readFileSync(path, 'utf8').replace(/\r\n/g, '\n') : '';
      expect(committed, `${file} is stale: run npm run docs:charts`).toBe(renderChartDoc(chart));
    },
  );

  it.each(EMBEDDING_DOCS)('%s embeds the current diagrams', (file) => {
    const committed = readFileSync(resolve(REPO_ROOT, file), 'utf8').replace(/\r\n/g, '\n');
    expect(committed).toContain('<!-- chart:connection -->');
    expect(committed, `${file} embeds a stale diagram: run npm run docs:charts`).toBe(
      embedCharts(committed),
    );
  });
});
