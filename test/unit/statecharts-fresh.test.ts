import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHARTS, REPO_ROOT, renderChartDoc } from '../../scripts/statecharts.ts';

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
});
