import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * A strict reader for the subset of Mermaid's stateDiagram-v2 that the generator writes. It
 * rejects any other line, so the tests check the chart's structure as Mermaid would see it
 * (which block declares a state, which arrows exist) rather than searching the text.
 */

export interface DiagramState {
  alias: string;
  /** The first line of the label: the state's key. */
  label: string;
  /** The other label lines (a composite's tags, entry, invoke) and its description lines. */
  notes: string[];
  block: string | undefined;
  composite: boolean;
}

export interface DiagramArrow {
  from: string;
  to: string;
  /** One decoded line per transition. */
  labels: string[];
  block: string | undefined;
}

export interface Diagram {
  states: Map<string, DiagramState>;
  arrows: DiagramArrow[];
  initials: { block: string | undefined; to: string }[];
  finals: { block: string | undefined; from: string }[];
  notes: { of: string; text: string }[];
  dividers: (string | undefined)[];
}

const ID = '[A-Za-z0-9_]+';
const DECLARE = new RegExp(`^state "([^"]*)" as (${ID})( \\{)?$`);
const ARROW = new RegExp(`^(${ID}|\\[\\*\\]) --> (${ID}|\\[\\*\\])(?: : (.+))?$`);
const NOTE = new RegExp(`^note (?:left|right) of (${ID}) : (.+)$`);
const DESCRIBE = new RegExp(`^(${ID}) : (.+)$`);

/** Throws on anything Mermaid would read differently from the text we meant. */
function decode(text: string): string[] {
  const bad = /[:;{}"%#<>]/.exec(text.replace(/<br\/>|#\d+;/g, ''));
  if (bad) throw new Error(`unescaped ${JSON.stringify(bad[0])} in label ${JSON.stringify(text)}`);
  return text
    .split('<br/>')
    .map((line) => line.replace(/#(\d+);/g, (_, code) => String.fromCharCode(Number(code))))
    .map((line) => line.replace(/\u00a0/g, ' '));
}

const fail = (message: string): never => {
  throw new Error(message);
};

export function parseStateDiagram(text: string): Diagram {
  const [header, ...lines] = text.trimEnd().split('\n');
  if (header !== 'stateDiagram-v2') throw new Error(`header is ${JSON.stringify(header)}`);
  const d: Diagram = {
    states: new Map(),
    arrows: [],
    initials: [],
    finals: [],
    notes: [],
    dividers: [],
  };
  const stack: string[] = [];
  // Each line form with what it adds to the diagram; the first form that matches wins.
  const forms: [RegExp, (m: string[], block: string | undefined) => void][] = [
    [/^\}$/, () => (stack.pop() ? undefined : fail('unbalanced }'))],
    [/^--$/, (_, block) => d.dividers.push(block)],
    [
      DECLARE,
      ([, label = '', alias = '', open], block) => {
        if (d.states.has(alias)) fail(`${alias} declared twice`);
        const [first = '', ...notes] = decode(label);
        d.states.set(alias, { alias, label: first, notes, block, composite: Boolean(open) });
        if (open) stack.push(alias);
      },
    ],
    [
      ARROW,
      ([, from = '', to = '', label], block) => {
        if (from === '[*]') d.initials.push({ block, to });
        else if (to === '[*]') d.finals.push({ block, from });
        else d.arrows.push({ from, to, block, labels: label === undefined ? [] : decode(label) });
      },
    ],
    [NOTE, ([, of = '', text = '']) => d.notes.push({ of, text: decode(text).join('\n') })],
    [
      DESCRIBE,
      ([, alias = '', text = '']) => {
        const state = d.states.get(alias);
        if (!state || state.composite) fail(`description of an undeclared or composite ${alias}`);
        state?.notes.push(...decode(text));
      },
    ],
  ];
  for (const raw of lines) {
    const line = raw.trim();
    const form = forms.find(([pattern]) => pattern.test(line));
    if (!form) fail(`a line Mermaid may not read as meant: ${JSON.stringify(raw)}`);
    form?.[1](form[0].exec(line) ?? [], stack.at(-1));
  }
  if (stack.length) throw new Error(`unclosed block ${stack.at(-1)}`);
  return d;
}

export const pathOf = (d: Diagram, alias: string): string[] => {
  const state = d.states.get(alias);
  return state ? [...(state.block ? pathOf(d, state.block) : []), state.label] : [];
};

/** The one declared state drawn for a node, found by its key path (the root may be drawn). */
export function aliasOf(d: Diagram, machine: AnyStateMachine, node: AnyStateNode): string {
  const wanted = [node.path.join('.'), [machine.id, ...node.path].join('.')];
  const found = [...d.states.keys()].filter((alias) => {
    const path = pathOf(d, alias).join('.');
    return node === machine.root ? path === machine.id : wanted.includes(path);
  });
  if (found.length !== 1) throw new Error(`#${node.id} is drawn ${found.length} times`);
  return found[0] ?? '';
}

export function allStates(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStates(child as AnyStateNode))];
}

/** Read straight from the definition, the way XState itself stores them. */
export function allTransitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  return allStates(machine.root).flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);
}
