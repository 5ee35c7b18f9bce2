import {
  type AnyActorScope,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  createEmptyActor,
  type EventObject,
  type InspectionEvent,
} from 'xstate';

/*
 * Coverage measured against a machine's own definition: its state nodes (from `machine.root`,
 * recursively) and its transition definitions (each node's `transitions` map plus `always`),
 * never a hand-written list. A machine given implementations with `provide()` has node objects
 * of its own, so definitions are compared by key, not by identity.
 */

export function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child))];
}

/** Every transition definition of the machine, each once. */
export function allTransitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  return allStateNodes(machine.root).flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);
}

/** `source id | event type (or "always") | index among the source's definitions for it`. */
export function transitionKey(t: AnyTransitionDefinition): string {
  const always = t.source.always ?? [];
  if (always.includes(t)) return `#${t.source.id} always[${always.indexOf(t)}]`;
  const defs = t.source.transitions.get(t.eventType) ?? [];
  const index = defs.indexOf(t);
  if (index < 0) throw new Error(`#${t.source.id} ${t.eventType}: not in its source's transitions`);
  return `#${t.source.id} ${t.eventType}[${index}]`;
}

/** A readable line for a report: `#a.b EVENT[0] [guard] → #c`. */
export function describeTransition(t: AnyTransitionDefinition): string {
  const guard = t.guard === undefined ? '' : ` [${guardName(t.guard)}]`;
  const targets = t.target?.map((n: AnyStateNode) => `#${n.id}`).join(', ') || '(no target)';
  return `${transitionKey(t)}${guard} → ${targets}`;
}

const guardName = (guard: unknown): string =>
  typeof guard === 'string'
    ? guard
    : String((guard as { type?: unknown }).type ?? (guard as { name?: unknown }).name ?? 'inline');

export interface CoverageReport {
  machine: string;
  states: { covered: number; total: number; missing: string[] };
  transitions: {
    covered: number;
    total: number;
    missing: string[];
    /** Uncovered, but declared unreachable with a reason (see `report`). */
    excused: string[];
    /** Declared unreachable, yet taken (or no longer in the machine): the declaration is stale. */
    stale: string[];
  };
}

/**
 * What the actors running `machine` (or a `provide()`d copy of it) really did: the states they
 * were in after any microstep, transient ones included, and the transitions they took.
 */
export class CoverageRecorder {
  readonly machine: AnyStateMachine;
  readonly #states = new Set<string>();
  readonly #transitions = new Set<string>();

  constructor(machine: AnyStateMachine) {
    this.machine = machine;
  }

  /** For `createActor(..., { inspect })`: records the events of actors of this machine only. */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as { machine?: AnyStateMachine; _nodes?: AnyStateNode[] };
    if (snapshot.machine?.id !== this.machine.id || !snapshot._nodes) return;
    for (const node of snapshot._nodes) this.#states.add(node.id);
    if (event.type === '@xstate.microstep') {
      for (const t of event._transitions) this.#transitions.add(transitionKey(t));
    }
  };

  /** Merges what another recorder (or a serialised one) saw. */
  add(seen: { states: Iterable<string>; transitions: Iterable<string> }): void {
    for (const id of seen.states) this.#states.add(id);
    for (const key of seen.transitions) this.#transitions.add(key);
  }

  seen() {
    return { states: [...this.#states], transitions: [...this.#transitions] };
  }

  /** `unreachable`: transition key → why no real run can take it; reported, never hidden. */
  report(unreachable: ReadonlyMap<string, string> = new Map()): CoverageReport {
    const nodes = allStateNodes(this.machine.root);
    const transitions = allTransitions(this.machine);
    const keys = new Set(transitions.map(transitionKey));
    const missingStates = nodes.filter((n) => !this.#states.has(n.id)).map((n) => `#${n.id}`);
    const uncovered = transitions.filter((t) => !this.#transitions.has(transitionKey(t)));
    const missingTransitions = uncovered
      .filter((t) => !unreachable.has(transitionKey(t)))
      .map(describeTransition);
    const excused = uncovered
      .filter((t) => unreachable.has(transitionKey(t)))
      .map((t) => `${describeTransition(t)}: ${unreachable.get(transitionKey(t))}`);
    const stale = [...unreachable.keys()].filter((k) => !keys.has(k) || this.#transitions.has(k));
    return {
      machine: this.machine.id,
      states: {
        covered: nodes.length - missingStates.length,
        total: nodes.length,
        missing: missingStates,
      },
      transitions: {
        covered: transitions.length - uncovered.length,
        total: transitions.length,
        missing: missingTransitions,
        excused,
        stale,
      },
    };
  }
}

export function formatReport({ machine, states, transitions }: CoverageReport): string {
  const lines = [
    `${machine} machine: states ${states.covered}/${states.total}, transitions ${transitions.covered}/${transitions.total}`,
  ];
  for (const id of states.missing) lines.push(`  state not covered: ${id}`);
  for (const t of transitions.missing) lines.push(`  transition not covered: ${t}`);
  for (const t of transitions.excused) lines.push(`  known unreachable: ${t}`);
  for (const k of transitions.stale) lines.push(`  declared unreachable, but taken or gone: ${k}`);
  return lines.join('\n');
}

/**
 * Steps a machine by hand, no actor and no effects (invoked actors are created, never started),
 * and tells what each step covered: `#id` of every state node it passed, transient ones
 * included, and the key of every transition it took.
 */
export function coveringStepper<TSnapshot>(machine: AnyStateMachine) {
  const self = createEmptyActor();
  let covered: Set<string> | undefined;
  self.system.inspect((event) => {
    if (event.type !== '@xstate.microstep' || !covered) return;
    for (const t of event._transitions) covered.add(transitionKey(t));
    for (const n of (event.snapshot as unknown as { _nodes: AnyStateNode[] })._nodes) {
      covered.add(`#${n.id}`);
    }
  });
  const scope: AnyActorScope = {
    self,
    id: 'model',
    sessionId: 'model',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: () => {},
  };
  return {
    initial(input: unknown): TSnapshot {
      return machine.getInitialSnapshot(scope, input) as TSnapshot;
    },
    step(from: TSnapshot, event: EventObject): { next: TSnapshot; covered: Set<string> } {
      covered = new Set();
      const next = machine.transition(from as never, event, scope) as TSnapshot;
      const result = { next, covered };
      covered = undefined;
      return result;
    },
  };
}

/**
 * Repeatedly the candidate that covers most of what is still uncovered (the cheaper on a tie),
 * until the candidates cover nothing new: a small set that covers all they can.
 */
export function greedyCover<T>(
  candidates: T[],
  itemsOf: (c: T) => Set<string>,
  cost: (c: T) => number,
) {
  const covers = candidates.map((candidate) => ({ candidate, items: itemsOf(candidate) }));
  const left = new Set(covers.flatMap((c) => [...c.items]));
  const chosen: T[] = [];
  while (left.size > 0) {
    let best: { candidate: T; items: Set<string>; gain: number } | undefined;
    for (const { candidate, items } of covers) {
      let gain = 0;
      for (const item of items) if (left.has(item)) gain++;
      if (
        !best ||
        gain > best.gain ||
        (gain === best.gain && cost(candidate) < cost(best.candidate))
      ) {
        best = { candidate, items, gain };
      }
    }
    if (!best || best.gain === 0) break;
    chosen.push(best.candidate);
    for (const item of best.items) left.delete(item);
  }
  return chosen;
}
