/**
 * `npm run chart -- MACHINE [--out FILE.svg]`: draws a machine of machines/ (connection,
 * tunnel, manager) as an SVG, offline, with the app's own layout (renderer/chart: the same
 * rows, ELK options and arrows as the State chart tab). The connection is drawn with its
 * tunnel child, as in the app. Without --out the SVG goes to stdout.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AnyStateMachine } from 'xstate';
import { connectionMachine } from '../machines/connection.machine.ts';
import { managerMachine } from '../machines/manager.machine.ts';
import { tunnelMachine } from '../machines/tunnel.machine.ts';
import { TUNNEL_CHILD } from '../renderer/chart/charts.ts';
import { layoutChart } from '../renderer/chart/layout.ts';
import { type ChildSpec, chartOf } from '../renderer/chart/model.ts';
import { chartSvg } from '../renderer/chart/svg.ts';

export const MACHINES: Record<string, { machine: AnyStateMachine; children: ChildSpec[] }> = {
  connection: { machine: connectionMachine, children: [TUNNEL_CHILD] },
  tunnel: { machine: tunnelMachine, children: [] },
  manager: { machine: managerMachine, children: [] },
};

export async function renderMachine(name: string): Promise<string> {
  const entry = MACHINES[name];
  if (!entry) {
    throw new Error(`no machine "${name}": one of ${Object.keys(MACHINES).join(', ')}`);
  }
  const chart = chartOf(entry.machine, entry.children);
  const layout = await layoutChart(chart);
  return chartSvg(chart, layout, { title: `${entry.machine.id} machine` });
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' } },
  });
  const name = positionals[0];
  if (!name) {
    process.stderr.write(
      `usage: npm run chart -- ${Object.keys(MACHINES).join('|')} [--out FILE.svg]\n`,
    );
    process.exit(2);
  }
  const svg = await renderMachine(name);
  if (values.out) {
    writeFileSync(resolve(values.out), svg);
    process.stderr.write(`wrote ${values.out}\n`);
  } else {
    process.stdout.write(svg);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
