import { randomUUID } from 'node:crypto';
import type { SnapshotFrom } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import { type ConnectionConfig, validate } from '../machines/config.ts';
import type { TuskErrorData } from '../machines/errors.ts';
import { type TunnelEvent, tunnelMachine } from '../machines/tunnel.machine.ts';
import type { ModelEvent } from './connection-events.ts';
import { coveringStepper, greedyCover } from './machine-coverage.ts';

/*
 * The tunnel machine as a graph: the events worth trying in each snapshot, what each means for
 * the world (tunnel-world.ts makes it happen to a real sshd), and a small set of paths that
 * together take every transition.
 */

export type TunnelSnapshot = SnapshotFrom<typeof tunnelMachine>;
export type TunnelPath = StatePath<TunnelSnapshot, ModelEvent>;

/** Two probes unanswered in a row are a loss: the smallest count with both keepalive outcomes. */
export const TUNNEL_MODEL_CONFIG: ConnectionConfig = validate({
  id: randomUUID(),
  name: 'tunnel model',
  host: '127.0.0.1',
  database: 'model',
  username: 'model',
  sshTunnel: {
    enabled: true,
    host: '127.0.0.1',
    username: 'model',
    auth: 'password',
    keepaliveIntervalSec: 1,
    keepaliveCountMax: 2,
  },
});

const fault = (kind: TuskErrorData['kind'], code: string, message: string): TuskErrorData => ({
  kind,
  code,
  message,
});

/** Failures caused for real (tunnel-world.ts), by the effect that fails. */
export const TUNNEL_FAULTS = {
  sshRefused: fault('ConnectionFailed', 'ECONNREFUSED', 'nothing listens on the SSH port'),
  resetInFlight: fault('ConnectionLost', 'ECONNRESET', 'the link was reset during a probe'),
} as const;
const faultsBySource: Record<string, TuskErrorData[]> = {
  openTunnel: [TUNNEL_FAULTS.sshRefused],
  probeTunnel: [TUNNEL_FAULTS.resetInFlight],
};

export type TunnelMeaning =
  | { kind: 'done' | 'error'; src: string }
  | { kind: 'after' }
  | { kind: 'dropped' };

export function tunnelMeaningOf(type: string, snapshot: TunnelSnapshot): TunnelMeaning {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) {
    const def = snapshot._nodes.flatMap((n) => n.invoke).find((d) => d.id === actor[2]);
    if (!def || typeof def.src !== 'string') throw new Error(`no invoke for ${type}`);
    return { kind: actor[1] as 'done' | 'error', src: def.src };
  }
  if (type.startsWith('xstate.after.keepaliveInterval.')) return { kind: 'after' };
  if (type === 'TUNNEL_DROPPED') return { kind: 'dropped' };
  throw new Error(`the tunnel model does not know how to make "${type}" happen`);
}

export const atomicState = (snapshot: TunnelSnapshot) =>
  snapshot._nodes
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => n.path.join('.'))[0] ?? '';

/** What tells snapshots apart: the state and the probes missed in a row. */
export const abstractTunnel = (snapshot: TunnelSnapshot) => ({
  state: atomicState(snapshot),
  missed: snapshot.context.missed,
});
const serializeState = (snapshot: TunnelSnapshot) => JSON.stringify(abstractTunnel(snapshot));

/** Every event type an active node has a transition for, with payloads the world can produce. */
export function tunnelEvents(snapshot: TunnelSnapshot): ModelEvent[] {
  const events: ModelEvent[] = [];
  for (const type of new Set(snapshot._nodes.flatMap((n) => [...n.transitions.keys()]))) {
    const meaning = tunnelMeaningOf(type, snapshot);
    if (meaning.kind === 'done') {
      events.push({
        type,
        output: meaning.src === 'openTunnel' ? { fingerprint: 'SHA256:m' } : undefined,
      });
    } else if (meaning.kind === 'error') {
      for (const error of faultsBySource[meaning.src] ?? []) events.push({ type, error });
    } else if (meaning.kind === 'dropped') {
      // A drop while a probe is out fails the probe first (see SshTunnel.#dropped).
      if (atomicState(snapshot) === 'open.idle') {
        const drop: TunnelEvent = {
          type: 'TUNNEL_DROPPED',
          error: fault('ConnectionLost', 'SSH_CLOSED', 'the SSH connection closed'),
        };
        events.push(drop);
      }
    } else {
      events.push({ type });
    }
  }
  return events;
}

/**
 * The definition the graph is walked on: the same states and transitions (coverage keys are
 * ids), with the reports to the parent left out, since a graph walk has no parent to send to.
 */
const graphMachine = tunnelMachine.provide({
  actions: {
    reportOpen: () => {},
    reportFailed: () => {},
    reportLost: () => {},
    abandonLink: () => {},
  },
});

const traversal = {
  input: { connectionId: TUNNEL_MODEL_CONFIG.id, config: TUNNEL_MODEL_CONFIG },
  events: tunnelEvents as (s: TunnelSnapshot) => TunnelEvent[],
  serializeState,
};

/** The shortest path to every snapshot, each extended by every event: a greedy cover of those. */
export function tunnelPaths(): TunnelPath[] {
  const stepper = coveringStepper<TunnelSnapshot>(graphMachine);
  const shortest = getShortestPaths(graphMachine, traversal) as unknown as TunnelPath[];
  const candidates = shortest.flatMap((path) =>
    tunnelEvents(path.state).map((event) => {
      const { next } = stepper.step(path.state, event);
      return {
        state: next,
        steps: [...path.steps, { event, state: next }],
        weight: path.weight + 1,
      };
    }),
  );
  const coverage = (path: TunnelPath) => {
    const covered = new Set<string>(path.steps[0]!.state._nodes.map((n) => `#${n.id}`));
    for (let i = 1; i < path.steps.length; i++) {
      for (const item of stepper.step(path.steps[i - 1]!.state, path.steps[i]!.event).covered) {
        covered.add(item);
      }
    }
    return covered;
  };
  return greedyCover(candidates, coverage, (p) => p.weight);
}

/** How each run of each effect must go for the path, keyed `effect#run` (runs counted as real). */
export function plannedTunnelFaults(
  path: TunnelPath,
): Map<string, 'sshRefused' | 'resetInFlight' | 'blackhole'> {
  const faults = new Map<string, 'sshRefused' | 'resetInFlight' | 'blackhole'>();
  const runs = new Map<string, number>();
  let current = new Map<string, string>();
  for (const [i, { state, event }] of path.steps.entries()) {
    if (i > 0) {
      const before = path.steps[i - 1]!.state;
      const meaning = tunnelMeaningOf(event.type, before);
      const probe = current.get('probeTunnel');
      if (meaning.kind === 'error') {
        faults.set(
          current.get(meaning.src)!,
          meaning.src === 'openTunnel' ? 'sshRefused' : 'resetInFlight',
        );
      }
      // A probe that goes unanswered: the link is blackholed under it.
      if (meaning.kind === 'after' && atomicState(before) === 'open.probing' && probe) {
        faults.set(probe, 'blackhole');
      }
    }
    // Each entry into an invoking state is one run of its effect (a reentered probing too).
    const next = new Map<string, string>();
    for (const ref of Object.values(state.children)) {
      if (!ref || typeof ref.src !== 'string') continue;
      const previous = i > 0 ? path.steps[i - 1]!.state.children[ref.id] : undefined;
      if (previous === ref && current.has(ref.src)) {
        next.set(ref.src, current.get(ref.src)!);
        continue;
      }
      const run = (runs.get(ref.src) ?? 0) + 1;
      runs.set(ref.src, run);
      next.set(ref.src, `${ref.src}#${run}`);
    }
    current = next;
  }
  return faults;
}
