import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import type { ConnectionStatus } from '../machines/config.ts';
import { connectionMachine } from '../machines/connection.machine.ts';
import type { ConnectionEvent } from '../machines/connection.types.ts';
import { isRetryable, type TuskErrorData } from '../machines/errors.ts';
import {
  type ConnectionSnapshot,
  FAULTS,
  isRestState,
  MODEL_CONFIG,
  MODEL_MAX_ATTEMPTS,
  type ModelEvent,
  meaningOf,
  modelEvents,
} from './connection-events.ts';
import { coveringStepper, greedyCover } from './machine-coverage.ts';

/*
 * The connection machine as a graph: how snapshots are told apart, a small set of paths that
 * together take every transition, and the faults each path needs planted in the real world.
 */

export type ModelPath = StatePath<ConnectionSnapshot, ModelEvent>;

const errorClass = (error: TuskErrorData | null) =>
  error === null ? null : isRetryable(error) ? 'retryable' : 'permanent';

/**
 * What tells snapshots apart: the state, attempts made (up to the maximum: a config change
 * while reconnecting starts an attempt over without a failure, so the count alone is
 * unbounded), the last error's class, whether auto-reconnect is on, and read-only (a session
 * setting: changing it needs a new session).
 */
export function abstractState(snapshot: ConnectionSnapshot) {
  const { attempt, lastError, config } = snapshot.context;
  return {
    value: snapshot.value,
    attempt: Math.min(attempt, MODEL_MAX_ATTEMPTS),
    error: errorClass(lastError),
    autoReconnect: config.options.maxReconnectAttempts > 0,
    readonly: config.options.readonly,
    tunnel: config.sshTunnel?.enabled === true,
  };
}

export const topLevel = (snapshot: ConnectionSnapshot): ConnectionStatus =>
  (typeof snapshot.value === 'string'
    ? snapshot.value
    : Object.keys(snapshot.value)[0]) as ConnectionStatus;

export const serializeState = (snapshot: ConnectionSnapshot) =>
  JSON.stringify(abstractState(snapshot));

const traversal = {
  input: { config: MODEL_CONFIG },
  events: modelEvents as (s: ConnectionSnapshot) => ConnectionEvent[],
  serializeState,
};

/** Items a path covers: `#id` for a state node passed, a transition key for a transition taken. */
export type Coverage = Set<string>;

/**
 * Per edge (snapshot, event), what stepping the machine covers. Cached: paths share most of
 * their edges, and the guards read only what serializeState keeps.
 */
function edgeCoverage() {
  const stepper = coveringStepper<ConnectionSnapshot>(connectionMachine);
  const cache = new Map<string, Set<string>>();
  return (from: ConnectionSnapshot, event: ModelEvent): Set<string> => {
    const key = `${serializeState(from)} ${JSON.stringify(event)}`;
    let covered = cache.get(key);
    if (!covered) {
      covered = stepper.step(from, event).covered;
      cache.set(key, covered);
    }
    return covered;
  };
}

export function pathCoverage(path: ModelPath, edge = edgeCoverage()): Coverage {
  const covered: Coverage = new Set(path.steps[0]?.state._nodes.map((n) => `#${n.id}`));
  let enteredFrom = 'start';
  for (let i = 1; i < path.steps.length; i++) {
    const before = path.steps[i - 1]!.state;
    const { state, event } = path.steps[i]!;
    for (const item of edge(before, event)) covered.add(item);
    if (topLevel(state) !== topLevel(before)) enteredFrom = topLevel(before);
    // Each rest state's checks (backends, read-only) with each read-only setting, and after
    // each kind of state it was entered from: a close after a live session is the telling one.
    if (isRestState(state)) {
      const value = JSON.stringify(state.value);
      covered.add(`${value} readonly ${state.context.config.options.readonly}`);
      covered.add(`${value} entered from ${enteredFrom}`);
    }
  }
  return covered;
}

/**
 * Candidate paths: the shortest path to every distinct snapshot, extended by each event tried
 * there; and the shortest path to each kind of rest state followed by each simple path from it
 * up to the next rest state or the first reconnect attempt (one "episode": what happens between
 * two user actions; unbounded, the reconnect loop alone has thousands). A greedy set cover then
 * picks few candidates that together take every transition and pass every state node the
 * candidates reach.
 */
export function connectionPaths(): ModelPath[] {
  const shortest = getShortestPaths(connectionMachine, traversal) as unknown as ModelPath[];
  const adjacency = getAdjacencyMap(connectionMachine, traversal);
  const candidates: ModelPath[] = [];
  const episodeStarts = new Set<string>();
  for (const path of shortest) {
    const next = adjacency[serializeState(path.state) as keyof typeof adjacency];
    for (const { event, state } of Object.values(next?.transitions ?? {})) {
      candidates.push({ state, steps: [...path.steps, { event, state }], weight: path.weight + 1 });
    }
    const { value, autoReconnect } = abstractState(path.state);
    const kind = JSON.stringify([value, autoReconnect]);
    if (!isRestState(path.state) || episodeStarts.has(kind)) continue;
    episodeStarts.add(kind);
    const from = serializeState(path.state);
    const episodes = getSimplePaths(connectionMachine, {
      ...traversal,
      fromState: path.state,
      stopWhen: (s) =>
        (isRestState(s) && serializeState(s) !== from) ||
        (s.matches('reconnecting') && s.context.attempt > 0),
    }) as unknown as ModelPath[];
    for (const episode of episodes) {
      // Not joinPaths(): it wants the very same snapshot object where the two paths meet.
      const steps = [...path.steps, ...episode.steps.slice(1)];
      if (episode.steps.length > 1) candidates.push({ ...episode, steps, weight: steps.length });
    }
  }
  const edge = edgeCoverage();
  return greedyCover(
    candidates,
    (path) => pathCoverage(path, edge),
    (path) => path.weight,
  );
}

/** How a step is made to fail for real (see connection-world.ts). */
export type FaultKind = keyof typeof FAULTS | 'blackhole';

const faultKindOf = (error: unknown): FaultKind => {
  const found = Object.entries(FAULTS).find(([, fault]) => fault === error);
  if (!found) throw new Error(`no realisation for the error ${JSON.stringify(error)}`);
  return found[0] as FaultKind;
};

/**
 * Which run of which effect must fail, and how, for the path's events to happen, keyed
 * `effect#run`: replays the path, counting the runs of each invoked effect as the real service
 * will (each entry into an invoking state starts one), and notes the run an error event belongs
 * to, or that a connect timeout, a ping timeout or a config change while connecting needs
 * stalled (its network blackholed).
 */
export function plannedFaults(path: ModelPath): Map<string, FaultKind> {
  const stepper = coveringStepper<ConnectionSnapshot>(connectionMachine);
  const runs = new Map<string, number>();
  const runOf = new Map<unknown, string>();
  const count = (snapshot: ConnectionSnapshot) => {
    for (const ref of Object.values(snapshot.children)) {
      if (!ref || runOf.has(ref) || typeof ref.src !== 'string') continue;
      const run = (runs.get(ref.src) ?? 0) + 1;
      runs.set(ref.src, run);
      runOf.set(ref, `${ref.src}#${run}`);
    }
  };
  const faults = new Map<string, FaultKind>();
  const fail = (snapshot: ConnectionSnapshot, src: string, fault: FaultKind) => {
    const ref = Object.values(snapshot.children).find((r) => r?.src === src);
    const run = ref && runOf.get(ref);
    if (!run) throw new Error(`no running ${src} to fail in ${JSON.stringify(snapshot.value)}`);
    faults.set(run, fault);
  };
  let snapshot = stepper.initial(traversal.input);
  count(snapshot);
  for (const { event } of path.steps.slice(1)) {
    const meaning = meaningOf(event.type, snapshot);
    if (meaning.kind === 'error') fail(snapshot, meaning.src, faultKindOf(event.error));
    if (meaning.kind === 'after' && meaning.delay === 'connectTimeout') {
      fail(snapshot, 'openSession', 'blackhole');
    }
    if (meaning.kind === 'after' && meaning.delay === 'pingTimeout') {
      fail(snapshot, 'ping', 'blackhole');
    }
    if (meaning.kind === 'config' && !isRestState(snapshot)) {
      fail(snapshot, 'openSession', 'blackhole');
    }
    snapshot = stepper.step(snapshot, event).next;
    count(snapshot);
  }
  return faults;
}
