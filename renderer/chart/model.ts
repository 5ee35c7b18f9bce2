import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { walk } from '../../machines/statechart-walk.ts';
import type { TransitionRecord } from '../../machines/views.ts';

/**
 * The chart of a machine as plain nodes and edges, read from its definition by the same walker
 * as the Mermaid docs. Paths are dotted below the machine's id (`connected.pinging`), the way
 * views and transition records name states.
 */

export const USER_EVENTS = ['CONNECT', 'DISCONNECT', 'RETRY', 'WAKE'] as const;
export type UserEvent = (typeof USER_EVENTS)[number];

export interface ChartNode {
  path: string;
  key: string;
  parent: string | null;
  compound: boolean;
  initial: boolean;
  final: boolean;
  /** A parallel state: its children are regions, all active at once. */
  parallel: boolean;
  /** A region of a parallel state, drawn dashed. */
  region: boolean;
  /** The root of a child actor's machine drawn beside its parent's (`tunnel`), else null. */
  child: string | null;
}

export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  eventType: string;
  /** Event, delay or actor, and guard; not actions: the chart has no room for them. */
  label: string;
  userEvent: UserEvent | null;
  /** Not a transition: the state spawns the child actor this edge points at. */
  spawn: boolean;
}

export interface Chart {
  nodes: ChartNode[];
  edges: ChartEdge[];
}

const pathOf = (node: AnyStateNode) => node.path.join('.');

/** A child actor to draw inside the chart: its machine, and the entry action that spawns it. */
export interface ChildSpec {
  id: string;
  machine: AnyStateMachine;
  spawnedBy: string;
}

/** Where a child actor's states live in the chart: `@tunnel`, `@tunnel.open`. */
export const childPath = (id: string, path?: string) => (path ? `@${id}.${path}` : `@${id}`);

export function chartOf(machine: AnyStateMachine, children: readonly ChildSpec[] = []): Chart {
  const model = walk(machine);
  const nodes: ChartNode[] = model.states.map((state) => ({
    path: pathOf(state),
    key: state.key,
    parent: state.parent && state.parent.path.length > 0 ? pathOf(state.parent) : null,
    compound: Object.keys(state.states).length > 0,
    initial: state.parent?.initial?.target?.[0] === state,
    final: state.type === 'final',
    parallel: state.type === 'parallel',
    region: state.parent?.type === 'parallel',
    child: null,
  }));
  const edges: ChartEdge[] = [];
  for (const t of model.transitions) {
    // A root transition without a target (UPDATE_CONFIG's assign) changes no state.
    if (t.source.path.length === 0) continue;
    for (const target of t.targets) {
      // An invoke's outcome is named for its state already: `done`, `error`, not the actor again.
      const label = t.label
        .split(' / ')[0]!
        .replace(' (reenter)', '')
        .replace(/^(done|error): \w+/, '$1');
      edges.push({
        id: `e${edges.length}`,
        source: pathOf(t.source),
        target: pathOf(target),
        eventType: t.eventType,
        label,
        userEvent: (USER_EVENTS as readonly string[]).includes(t.eventType)
          ? (t.eventType as UserEvent)
          : null,
        spawn: false,
      });
    }
  }
  for (const spec of children) {
    const sub = chartOf(spec.machine);
    const root = childPath(spec.id);
    nodes.push({
      path: root,
      key: spec.id,
      parent: null,
      compound: true,
      initial: false,
      final: false,
      parallel: false,
      region: false,
      child: spec.id,
    });
    for (const n of sub.nodes) {
      nodes.push({
        ...n,
        path: childPath(spec.id, n.path),
        parent: n.parent ? childPath(spec.id, n.parent) : root,
      });
    }
    for (const e of sub.edges) {
      edges.push({
        ...e,
        id: `e${edges.length}`,
        source: childPath(spec.id, e.source),
        target: childPath(spec.id, e.target),
        userEvent: null,
      });
    }
    for (const state of model.states) {
      // Entry actions are names (`'spawnTunnel'`) or objects with a `type`.
      const spawns = state.entry.some(
        (a: unknown) => a === spec.spawnedBy || (a as { type?: unknown })?.type === spec.spawnedBy,
      );
      if (!spawns) continue;
      edges.push({
        id: `e${edges.length}`,
        source: pathOf(state),
        target: root,
        eventType: '',
        label: 'spawns',
        userEvent: null,
        spawn: true,
      });
    }
  }
  return { nodes, edges };
}

const within = (path: string, ancestor: string) =>
  path === ancestor || path.startsWith(`${ancestor}.`);

/** The user events some active state takes (no guard stands on any of them). */
export function acceptedEvents(chart: Chart, active: readonly string[]): Set<UserEvent> {
  const accepted = new Set<UserEvent>();
  for (const edge of chart.edges) {
    if (edge.userEvent && active.includes(edge.source)) accepted.add(edge.userEvent);
  }
  return accepted;
}

/**
 * The edges a recorded transition took. One record can span a microstep chain (an error, then
 * an eventless `always`), so this is the edge of the event itself plus the eventless ones that
 * carried on from where it landed towards `to`.
 */
export function edgesTaken(chart: Chart, record: TransitionRecord | undefined): Set<string> {
  const taken = new Set<string>();
  if (!record) return taken;
  const first = chart.edges
    .filter((e) => e.eventType === record.event && within(record.from, e.source))
    .sort((a, b) => b.source.length - a.source.length)[0];
  if (!first) return taken;
  taken.add(first.id);
  let at = first.target;
  for (let hops = 0; hops < 4 && !within(record.to, at); hops++) {
    const next =
      chart.edges.find(
        (e) => e.eventType === '' && !e.spawn && e.source === at && within(record.to, e.target),
      ) ??
      chart.edges.find((e) => e.eventType === '' && !e.spawn && e.source === at) ??
      // A final step finishes its compound state, whose `onDone` carries on.
      chart.edges.find(
        (e) =>
          e.eventType.startsWith('xstate.done.state.') &&
          within(at, e.source) &&
          within(record.to, e.target),
      );
    if (!next) break;
    taken.add(next.id);
    at = next.target;
  }
  return taken;
}
