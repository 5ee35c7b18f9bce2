import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * Reads a machine's definition (never runs it) into what a diagram needs: the states in
 * document order and every transition with a human label. Document order, not sorting, keeps
 * the output stable and lets the chart read in the order the machine was written.
 */

export interface ChartTransition {
  source: AnyStateNode;
  /** One entry per target; a targetless (actions-only) transition targets its own source. */
  targets: AnyStateNode[];
  /** The XState event descriptor: `CONNECT`, `xstate.after.<delay>.<id>`, `''` for always. */
  eventType: string;
  label: string;
  guard: string | undefined;
  delay: string | undefined;
  targetless: boolean;
}

export interface ChartModel {
  machine: AnyStateMachine;
  /** Every state node below the root; the root itself when it has no children. */
  states: AnyStateNode[];
  transitions: ChartTransition[];
  /** Actors declared in setup() that no state invokes: the ones the machine spawns. */
  spawned: string[];
}

const PREFIX = {
  after: 'xstate.after.',
  doneActor: 'xstate.done.actor.',
  errorActor: 'xstate.error.actor.',
  snapshot: 'xstate.snapshot.',
  doneState: 'xstate.done.state.',
} as const;

const typeOf = (x: unknown): string | undefined => {
  const type = (x as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
};

/**
 * XState adds a delayed raise to `entry` and its cancel to `exit` for every `after`; they are
 * drawn as the delayed transition itself, so they are not named again as actions.
 */
const isDelayTimer = (action: unknown): boolean => {
  const a = action as { type?: unknown; id?: unknown; sendId?: unknown };
  return (
    (a.type === 'xstate.raise' && String(a.id).startsWith(PREFIX.after)) ||
    (a.type === 'xstate.cancel' && String(a.sendId).startsWith(PREFIX.after))
  );
};

const staticParams = (params: unknown): string => {
  if (params === null || typeof params !== 'object') return '';
  const values = Object.values(params);
  if (!values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return '';
  return `(${values.join(', ')})`;
};

export const actionName = (action: unknown): string | undefined => {
  if (typeof action === 'string') return action;
  if (isDelayTimer(action)) return undefined;
  const type = typeOf(action);
  if (type === undefined) return 'inline';
  // Built-ins used inline (assign, raise, enqueueActions) are named by what they are.
  if (type.startsWith('xstate.')) return type.slice('xstate.'.length);
  return `${type}${typeof action === 'object' ? staticParams((action as { params?: unknown }).params) : ''}`;
};

export const actionNames = (actions: readonly unknown[]): string[] =>
  actions.map(actionName).filter((name): name is string => name !== undefined);

export const guardName = (guard: unknown): string | undefined => {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  const inner = (guard as { guards?: unknown[] }).guards;
  if (typeof guard === 'function' && Array.isArray(inner)) {
    // and(), or() and not() have no type; they carry their own name and the guards they join.
    const parts = inner.map((g) => {
      const part = guardName(g) ?? '';
      return part.includes(' ') ? `(${part})` : part;
    });
    if (guard.name === 'not') return `!${parts[0]}`;
    return parts.join(guard.name === 'or' ? ' || ' : ' && ');
  }
  return typeOf(guard) ?? 'inline';
};

const invokedSrc = (node: AnyStateNode, invokeId: string): string => {
  const src = node.invoke.find((def) => def.id === invokeId)?.src;
  return typeof src === 'string' ? src : invokeId;
};

/** The event part of a label, in the words of the machine's source (delay and actor names). */
export const eventLabel = (node: AnyStateNode, t: AnyTransitionDefinition): string => {
  const type = t.eventType as string;
  if (type === '') return 'always';
  const delayed = node.after.find((d) => d === t);
  if (delayed)
    return `after ${typeof delayed.delay === 'number' ? `${delayed.delay}ms` : delayed.delay}`;
  if (type.startsWith(PREFIX.doneActor))
    return `done: ${invokedSrc(node, type.slice(PREFIX.doneActor.length))}`;
  if (type.startsWith(PREFIX.errorActor))
    return `error: ${invokedSrc(node, type.slice(PREFIX.errorActor.length))}`;
  if (type.startsWith(PREFIX.snapshot))
    return `snapshot: ${invokedSrc(node, type.slice(PREFIX.snapshot.length))}`;
  if (type === `${PREFIX.doneState}${node.id}`) return 'done';
  return type;
};

const delayName = (node: AnyStateNode, t: AnyTransitionDefinition): string | undefined => {
  const delayed = node.after.find((d) => d === t);
  if (!delayed) return undefined;
  return typeof delayed.delay === 'number' ? `${delayed.delay}ms` : String(delayed.delay);
};

export const nodeTransitions = (node: AnyStateNode): AnyTransitionDefinition[] => [
  ...[...node.transitions.values()].flat(),
  ...(node.always ?? []),
];

const describe = (node: AnyStateNode, t: AnyTransitionDefinition): ChartTransition => {
  const guard = guardName(t.guard);
  const actions = actionNames(t.actions);
  const label = [
    eventLabel(node, t),
    guard ? ` [${guard}]` : '',
    actions.length ? ` / ${actions.join(', ')}` : '',
    t.reenter ? ' (reenter)' : '',
  ].join('');
  const targetless = !t.target || t.target.length === 0;
  return {
    source: node,
    targets: targetless ? [node] : [...(t.target ?? [])],
    eventType: t.eventType as string,
    label,
    guard,
    delay: delayName(node, t),
    targetless,
  };
};

export const childrenOf = (node: AnyStateNode): AnyStateNode[] =>
  Object.values(node.states) as AnyStateNode[];

export function walk(machine: AnyStateMachine): ChartModel {
  const all: AnyStateNode[] = [];
  const visit = (node: AnyStateNode) => {
    all.push(node);
    for (const child of childrenOf(node)) visit(child);
  };
  visit(machine.root);
  const invoked = new Set(all.flatMap((node) => node.invoke.map((def) => def.src)));
  return {
    machine,
    states: all.length > 1 ? all.slice(1) : all,
    transitions: all.flatMap((node) => nodeTransitions(node).map((t) => describe(node, t))),
    spawned: Object.keys(machine.implementations.actors).filter((name) => !invoked.has(name)),
  };
}
