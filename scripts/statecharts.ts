import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { connectionMachine } from '../machines/connection.machine.ts';
import { managerMachine } from '../machines/manager.machine.ts';
import { walk } from '../machines/statechart-walk.ts';
import { tunnelMachine } from '../machines/tunnel.machine.ts';
import { toMermaid } from './statecharts/mermaid.ts';

export { toMermaid };

/** The committed diagrams; the freshness test regenerates exactly these. */
export const CHARTS = [
  {
    file: 'docs/statecharts/connection.md',
    source: 'machines/connection.machine.ts',
    title: 'Connection actor',
    machine: connectionMachine,
  },
  {
    file: 'docs/statecharts/manager.md',
    source: 'machines/manager.machine.ts',
    title: 'Manager actor',
    machine: managerMachine,
  },
  {
    file: 'docs/statecharts/tunnel.md',
    source: 'machines/tunnel.machine.ts',
    title: 'SSH tunnel actor',
    machine: tunnelMachine,
  },
] as const;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const names = (list: Iterable<string | undefined>) =>
  [...new Set(list)]
    .filter((x): x is string => x !== undefined)
    .sort()
    .map((x) => `\`${x}\``)
    .join(', ');

/** One paragraph of facts read from the definition, so it cannot drift from the chart. */
export function summary(machine: AnyStateMachine): string {
  const model = walk(machine);
  const { transitions, states } = model;
  const finals = states.filter((s) => s.type === 'final').length;
  const delayed = transitions.filter((t) => t.delay !== undefined).length;
  const eventless = transitions.filter((t) => t.eventType === '').length;
  const targetless = transitions.filter((t) => t.targetless).length;
  const kinds = [
    delayed ? `${delayed} delayed` : '',
    eventless ? `${eventless} eventless` : '',
    targetless ? `${targetless} with actions only, drawn as a self-loop` : '',
  ].filter(Boolean);
  const delays = names(transitions.map((t) => t.delay));
  const guards = names(transitions.map((t) => t.guard));
  const invoked = names(states.flatMap((s) => s.invoke.map((def) => String(def.src))));
  return [
    `The \`${machine.id}\` machine has ${plural(states.length, 'state')}`,
    finals ? ` (${finals} final)` : '',
    ` and ${plural(transitions.length, 'transition')}`,
    kinds.length ? `: ${kinds.join(', ')}` : '',
    '.',
    delays ? ` Delays, named in \`setup\`: ${delays}.` : ' It has no delays.',
    guards ? ` Guards: ${guards}.` : '',
    invoked ? ` Invoked actors: ${invoked}.` : '',
    model.spawned.length ? ` Spawned child actors: ${names(model.spawned)}.` : '',
    ' Transitions between the same two states share one arrow, one label line each.',
  ].join('');
}

export function renderChartDoc(chart: (typeof CHARTS)[number]): string {
  return [
    `# ${chart.title}`,
    '',
    `<!-- Generated from ${chart.source} by \`npm run docs:charts\`; edit the machine, not this file. -->`,
    '',
    summary(chart.machine),
    '',
    '```mermaid',
    toMermaid(chart.machine).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/** Documents that embed the diagrams between `<!-- chart:<machine id> -->` and `<!-- /chart -->`. */
export const EMBEDDING_DOCS = ['docs/architecture.md'] as const;

/** Replaces each embedded diagram in `doc` with the current one. */
export function embedCharts(doc: string): string {
  return doc.replace(
    /(<!-- chart:(\w+) -->\n)[\s\S]*?(<!-- \/chart -->)/g,
    (_, open: string, id: string, close: string) => {
      const chart = CHARTS.find((c) => c.machine.id === id);
      if (!chart) throw new Error(`no machine with id "${id}" to embed`);
      return `${open}\n\`\`\`mermaid\n${toMermaid(chart.machine).trimEnd()}\n\`\`\`\n\n${close}`;
    },
  );
}

function main(argv: string[]) {
  if (argv.includes('--write')) {
    for (const file of EMBEDDING_DOCS) {
      const path = resolve(REPO_ROOT, file);
      writeFileSync(path, embedCharts(readFileSync(path, 'utf8')));
      console.log(`embedded diagrams in ${file}`);
    }
  }
  for (const chart of CHARTS) {
    const doc = renderChartDoc(chart);
    if (!argv.includes('--write')) {
      process.stdout.write(`${doc}\n`);
      continue;
    }
    const path = resolve(REPO_ROOT, chart.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, doc);
    console.log(`wrote ${chart.file}`);
  }
}

// Imported by the tests for its pure functions; run as a script only from the command line.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
