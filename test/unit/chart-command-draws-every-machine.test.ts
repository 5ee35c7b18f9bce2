import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { walk } from '../../machines/statechart-walk.ts';
import { MACHINES, renderMachine } from '../../scripts/chart.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test.each(Object.keys(MACHINES))('`npm run chart -- %s` draws every state of it', async (name) => {
  const svg = await renderMachine(name);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  for (const state of walk(MACHINES[name]!.machine).states) {
    expect(svg).toContain(`data-state="${state.path.join('.')}"`);
  }
});

test('--out writes the file, an unknown machine is refused', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-chart-'));
  try {
    const out = join(dir, 'tunnel.svg');
    execFileSync('npx', ['tsx', 'scripts/chart.ts', 'tunnel', '--out', out], {
      cwd: root,
      stdio: 'pipe',
    });
    expect(readFileSync(out, 'utf8')).toContain('data-state="open.probing"');
    expect(() =>
      execFileSync('npx', ['tsx', 'scripts/chart.ts', 'nope'], { cwd: root, stdio: 'pipe' }),
    ).toThrow(/no machine "nope"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
