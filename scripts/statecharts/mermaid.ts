import type { AnyStateMachine, AnyStateNode } from 'xstate';
import {
  actionNames,
  type ChartModel,
  type ChartTransition,
  childrenOf,
  walk,
} from '../../machines/statechart-walk.ts';

/**
 * Mermaid's stateDiagram lexer ends a label at `:` `;` or a newline, opens a block at `{`, and
 * decodes `#<code>;` before parsing; so those characters, `#` itself, quotes and angle brackets
 * (HTML-sanitised) are written as numeric entity codes, which Mermaid renders as the character.
 */
const ENTITY: Record<string, string> = {
  '#': '#35;',
  ':': '#58;',
  ';': '#59;',
  '{': '#123;',
  '}': '#125;',
  '"': '#34;',
  '<': '#60;',
  '>': '#62;',
  '%': '#37;',
};
export const escapeLabel = (text: string): string =>
  text.replace(/[#:;{}"<>%]/g, (c) => ENTITY[c] ?? c).replace(/\s+/g, ' ');

/** Words the stateDiagram grammar reserves: an id spelled like one, or digit-first, gets `s_`. */
const RESERVED = new Set(['state', 'note', 'end', 'direction', 'class', 'classdef', 'style', 'as']);

/** Ids are `[A-Za-z0-9_]` only: dots, dashes and spaces break the grammar's ID token. */
function aliases(machine: AnyStateMachine, nodes: AnyStateNode[]): Map<AnyStateNode, string> {
  const taken = new Set<string>();
  const out = new Map<AnyStateNode, string>();
  for (const node of nodes) {
    const name = node === machine.root ? machine.id : node.path.join('_');
    let alias = name.replace(/[^A-Za-z0-9_]/g, '_') || 'state';
    if (RESERVED.has(alias.toLowerCase()) || /^\d/.test(alias)) alias = `s_${alias}`;
    let unique = alias;
    for (let n = 2; taken.has(unique); n++) unique = `${alias}_${n}`;
    taken.add(unique);
    out.set(node, unique);
  }
  return out;
}

/** What a state does while active, in UML's compartment words: tags, entry, exit, invoke. */
export function stateNotes(node: AnyStateNode): string[] {
  const entry = actionNames(node.entry);
  const exit = actionNames(node.exit);
  return [
    node.tags.length ? `tags ${[...node.tags].join(', ')}` : '',
    entry.length ? `entry / ${entry.join(', ')}` : '',
    exit.length ? `exit / ${exit.join(', ')}` : '',
    ...node.invoke.map((def) => `invoke ${typeof def.src === 'string' ? def.src : def.id}`),
    node.type === 'history' ? `history (${node.history || 'shallow'})` : '',
    node.type === 'parallel' ? 'parallel' : '',
  ].filter(Boolean);
}

/** Mermaid's line break inside a label; the only markup these labels contain. */
export const LINE_BREAK = '<br/>';
const NBSP = '#160;';

/**
 * The block an edge is written in. Mermaid moves a state into the block of the last line that
 * names it, except lines at the top level; so an edge goes inside a composite only when both
 * ends are that composite's own children, and every other edge (one that leaves or enters a
 * composite) is written at the top level, outside every block.
 */
const scopeOf = (from: AnyStateNode, to: AnyStateNode): AnyStateNode | undefined =>
  from.parent === to.parent && from.parent?.type !== 'parallel' ? from.parent : undefined;

/** The root is drawn as a state only when it has something of its own to show. */
const drawsRoot = (model: ChartModel): boolean => {
  const root = model.machine.root;
  return (
    childrenOf(root).length === 0 ||
    model.spawned.length > 0 ||
    stateNotes(root).length > 0 ||
    model.transitions.some((t) => t.source === root)
  );
};

export function toMermaid(machine: AnyStateMachine): string {
  const model = walk(machine);
  const root = machine.root;
  const withRoot = drawsRoot(model);
  const drawn = withRoot && model.states[0] !== root ? [root, ...model.states] : model.states;
  const alias = aliases(machine, drawn);
  const id = (node: AnyStateNode) => alias.get(node) ?? '';
  // Spawned children appear in no state's definition, so the machine's own state names them.
  const spawnNotes = model.spawned.map((name) => `spawns ${name}`);

  // Mermaid draws parallel edges (and every self-loop of a state) on top of one another, so
  // transitions between the same two states share one arrow, one label line each.
  const arrows = new Map<string, { scope: AnyStateNode | undefined; labels: string[] }>();
  const place = (t: ChartTransition, to: AnyStateNode) => {
    let scope = scopeOf(t.source, to);
    if (scope === root && !withRoot) scope = undefined;
    const key = `${id(t.source)} --> ${id(to)}`;
    const arrow = arrows.get(key) ?? { scope, labels: [] };
    arrow.labels.push(escapeLabel(t.label));
    arrows.set(key, arrow);
  };
  for (const t of model.transitions) for (const to of t.targets) place(t, to);
  const edgesIn = new Map<AnyStateNode | undefined, string[]>();
  for (const [key, { scope, labels }] of arrows) {
    // Mermaid wraps an arrow's label at a fixed width; on a shared arrow that would split one
    // transition over lines that read as several, so there the spaces do not break.
    const text = labels.length > 1 ? labels.map((l) => l.replace(/ /g, NBSP)) : labels;
    edgesIn.set(scope, [...(edgesIn.get(scope) ?? []), `${key} : ${text.join(LINE_BREAK)}`]);
  }

  /** A composite's body: its initial arrow, children, the edges drawn inside, final arrows. */
  const body = (node: AnyStateNode, indent: string): string[] => {
    const children = childrenOf(node);
    const initial = node.initial?.target[0];
    // Mermaid's `--` splits a composite into concurrent regions: one per child of a parallel
    // state. Lines after a divider belong to its last region, so no edge is written here.
    if (node.type === 'parallel') {
      return children.flatMap((child, i) => [
        ...(i ? [`${indent}--`] : []),
        ...state(child, indent),
      ]);
    }
    return [
      ...(initial ? [`${indent}[*] --> ${id(initial)}`] : []),
      ...children.flatMap((child) => state(child, indent)),
      ...(edgesIn.get(node) ?? []).map((line) => `${indent}${line}`),
      ...children.filter((c) => c.type === 'final').map((c) => `${indent}${id(c)} --> [*]`),
    ];
  };

  const state = (node: AnyStateNode, indent: string): string[] => {
    const key = node === root ? machine.id : node.key;
    const notes = [...stateNotes(node), ...(node === root ? spawnNotes : [])].map(escapeLabel);
    if (childrenOf(node).length === 0) {
      return [
        `${indent}state "${escapeLabel(key)}" as ${id(node)}`,
        ...notes.map((text) => `${indent}${id(node)} : ${text}`),
      ];
    }
    // A composite cannot carry description lines in Mermaid, so its notes join its label.
    const label = [escapeLabel(key), ...notes].join(LINE_BREAK);
    return [
      `${indent}state "${label}" as ${id(node)} {`,
      ...body(node, `${indent}  `),
      `${indent}}`,
    ];
  };

  const top = withRoot ? [`  [*] --> ${id(root)}`, ...state(root, '  ')] : body(root, '  ');
  return ['stateDiagram-v2', ...top, ...(edgesIn.get(undefined) ?? []).map((l) => `  ${l}`)]
    .join('\n')
    .concat('\n');
}
