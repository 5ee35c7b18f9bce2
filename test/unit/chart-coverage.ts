import { expect } from 'vitest';
import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import {
  aliasOf,
  allStates,
  allTransitions,
  type Diagram,
  parseStateDiagram,
} from './state-diagram.ts';

/**
 * Checks a generated chart against the machine's own definition: every state at its place,
 * every transition on the right arrow with the right words. The expected words are derived
 * here again, from XState's stored definition, rather than taken from the generator.
 */

const name = (x: unknown): string => {
  if (typeof x === 'string') return x;
  const type = (x as { type?: unknown }).type;
  if (typeof type !== 'string') return 'inline';
  return type.startsWith('xstate.') ? type.slice('xstate.'.length) : type;
};

function eventWords(t: AnyTransitionDefinition): string {
  const node = t.source;
  const type = String(t.eventType);
  if (type === '') return 'always';
  const delayed = node.after.find((d) => d === t);
  if (delayed)
    return `after ${typeof delayed.delay === 'number' ? `${delayed.delay}ms` : delayed.delay}`;
  for (const def of node.invoke) {
    if (type === `xstate.done.actor.${def.id}`) return `done: ${def.src}`;
    if (type === `xstate.error.actor.${def.id}`) return `error: ${def.src}`;
  }
  if (type === `xstate.done.state.${node.id}`) return 'done';
  return type;
}

const guardWords = (guard: unknown): string | undefined => {
  if (guard === undefined) return undefined;
  const inner = (guard as { guards?: unknown[] }).guards;
  if (typeof guard === 'function' && guard.name === 'not' && inner) {
    return `!${guardWords(inner[0])}`;
  }
  return name(guard);
};

/** `EVENT [guard] / a, b` split back into its parts. */
const LABEL = /^(.*?)(?: \[(.+?)\])?(?: \/ (.+))?$/;

const rootAlias = (d: Diagram, machine: AnyStateMachine) => {
  try {
    return aliasOf(d, machine, machine.root);
  } catch {
    return undefined;
  }
};

export function expectEveryStateDrawn(machine: AnyStateMachine, mermaid: string) {
  const d = parseStateDiagram(mermaid);
  const root = rootAlias(d, machine);
  const nodes = allStates(machine.root).filter((n) => n !== machine.root || root !== undefined);
  const blockOf = (node: (typeof nodes)[number] | undefined) =>
    node === undefined || (node === machine.root && root === undefined)
      ? undefined
      : aliasOf(d, machine, node);
  expect(d.states.size, 'states drawn that the machine does not have').toBe(nodes.length);
  for (const node of nodes) {
    const alias = aliasOf(d, machine, node);
    expect(d.states.get(alias)?.composite, `#${node.id} drawn as a block`).toBe(
      Object.keys(node.states).length > 0,
    );
    if (node.type === 'final')
      expect(d.finals).toContainEqual({ block: blockOf(node.parent), from: alias });
  }
  if (root) expect(d.initials).toContainEqual({ block: undefined, to: root });
  for (const node of allStates(machine.root)) {
    const initial = node.initial?.target[0];
    if (initial)
      expect(d.initials).toContainEqual({ block: blockOf(node), to: aliasOf(d, machine, initial) });
  }
  const named = [...d.arrows.flatMap((a) => [a.from, a.to]), ...d.notes.map((n) => n.of)];
  // Mermaid would silently create a state for an undeclared name.
  for (const alias of named) expect(d.states.has(alias), `${alias} is declared`).toBe(true);
}

/** Returns how many transitions the definition has, each found once on its own arrow. */
export function expectEveryTransitionDrawn(machine: AnyStateMachine, mermaid: string): number {
  const d = parseStateDiagram(mermaid);
  const drawn = d.arrows.flatMap((a) =>
    a.labels.map((label) => ({ from: a.from, to: a.to, label })),
  );
  let count = 0;
  for (const t of allTransitions(machine)) {
    const targets = t.target?.length ? t.target : [t.source];
    for (const target of targets) {
      count++;
      const from = aliasOf(d, machine, t.source);
      const to = aliasOf(d, machine, target);
      const want = {
        event: eventWords(t),
        guard: guardWords(t.guard),
        actions: t.actions.map(name),
      };
      const i = drawn.findIndex((arrow) => {
        const reenter = arrow.label.endsWith(' (reenter)');
        const [, event, guard, actions] =
          LABEL.exec(arrow.label.replace(/ \(reenter\)$/, '')) ?? [];
        const listed = actions ? actions.split(', ') : [];
        return (
          reenter === Boolean(t.reenter) &&
          arrow.from === from &&
          arrow.to === to &&
          event === want.event &&
          guard === want.guard &&
          listed.length === want.actions.length &&
          want.actions.every((a, k) => listed[k] === a || listed[k]?.startsWith(`${a}(`))
        );
      });
      expect(i, `#${t.source.id} ${want.event} → #${target.id} is drawn`).toBeGreaterThanOrEqual(0);
      drawn.splice(i, 1);
    }
  }
  expect(drawn, 'arrows drawn that the machine does not have').toEqual([]);
  return count;
}
