import { expect, it } from 'vitest';
import {
  type BenchResult,
  type MachineInfo,
  mergeReport,
  renderReport,
} from '../../bench/lib/report.ts';

const machine = (date: string): MachineInfo => ({
  cpu: 'cpu',
  cores: 2,
  memoryGiB: 1,
  node: 'v20',
  postgres: '18',
  os: 'Linux',
  date,
  command: 'npm run bench',
  loadBefore: [1, 1, 1],
  loadAfter: [1, 1, 1],
});

const result = (n: number, title: string, detail: string): BenchResult => ({
  name: `b${n}`,
  title: `${n}. ${title}`,
  method: `How ${title} was measured.`,
  tables: [{ columns: ['what', 'ms'], rows: [[title, detail]] }],
  verdicts: [{ target: `${title} target`, met: true, detail }],
  notes: [],
  seconds: 1,
});

it('a run of some benchmarks replaces their sections and rows and keeps the others, in order', () => {
  const old = renderReport(
    machine('2026-01-01T00:00:00Z'),
    [result(1, 'One', 'old 1'), result(2, 'Two', 'old 2'), result(3, 'Three', 'old 3')],
    false,
  );
  // Benchmark 2 ran again, under a new title, and a new benchmark 4 with it.
  const fresh = renderReport(
    machine('2026-02-02T00:00:00Z'),
    [result(2, 'Two, renamed', 'new 2'), result(4, 'Four', 'new 4')],
    false,
  );
  const merged = mergeReport(old, fresh);

  expect(merged).toContain('| Date | 2026-02-02T00:00:00Z |');
  const headings = merged.split('\n').filter((l) => l.startsWith('## '));
  expect(headings).toEqual([
    '## Summary',
    '## 1. One',
    '## 2. Two, renamed',
    '## 3. Three',
    '## 4. Four',
  ]);
  const rows = merged.split('\n').filter((l) => /^\| \d\. /.test(l));
  expect(rows.map((r) => r.split(' | ')[2])).toEqual(['old 1', 'new 2', 'old 3', 'new 4']);
  expect(merged).not.toContain('old 2');
  expect(merged).toContain(
    'Not run this time, kept from earlier runs: 1. One (2026-01-01T00:00:00Z (`npm run bench`)); 3. Three (2026-01-01T00:00:00Z (`npm run bench`)).',
  );
  // A section kept twice still says the run it comes from.
  const again = mergeReport(
    merged,
    renderReport(machine('2026-03-03T00:00:00Z'), [result(3, 'Three', 'new 3')], false),
  );
  const one = again.slice(again.indexOf('## 1. One'), again.indexOf('## 2.'));
  expect(one).toContain('<sub>From the run of 2026-01-01T00:00:00Z (`npm run bench`).</sub>');
  expect(one.match(/From the run of/g)).toHaveLength(1);
  expect(again).toContain('2. Two, renamed (2026-02-02T00:00:00Z (`npm run bench`))');
});
