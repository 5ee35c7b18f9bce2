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
}

export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  eventType: string;
  /** Event, delay or actor, and guard; not actions: the chart has no room for them. */
  label: string;
  userEvent: UserEvent | null;
}

export interface Chart {
  nodes: ChartNode[];
  edges: ChartEdge[];
}

const pathOf = (node: AnyStateNode) => node.path.join('.');

export function chartOf(machine: AnyStateMachine): Chart {
  const model = walk(machine);
  const nodes = model.states.map((state) => ({
    path: pathOf(state),
    key: state.key,
    parent: state.parent && state.parent.path.length > 0 ? pathOf(state.parent) : null,
    compound: Object.keys(state.states).length > 0,
    initial: state.parent?.initial?.target?.[0] === state,
    final: state.type === 'final',
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
        (e) => e.eventType === '' && e.source === at && within(record.to, e.target),
      ) ?? chart.edges.find((e) => e.eventType === '' && e.source === at);
    if (!next) break;
    taken.add(next.id);
    at = next.target;
  }
  return taken;
}
