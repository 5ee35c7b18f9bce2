import type { AnyStateMachine } from 'xstate';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { tunnelMachine } from '../../machines/tunnel.machine.ts';
import type { TransitionRecord } from '../../machines/views.ts';
import { type Layout, layoutChart } from './layout.ts';
import { type Chart, type ChildSpec, chartOf, childPath } from './model.ts';

/**
 * The charts the app draws, each laid out once: a machine does not change while the app runs,
 * so every connection and every render shares one layout (ELK takes about a second for the
 * connection machine; a render must not). `layoutRuns` counts the layouts, for the test that
 * pins it.
 */

export const TUNNEL_CHILD: ChildSpec = {
  id: 'tunnel',
  machine: tunnelMachine,
  spawnedBy: 'spawnTunnel',
};

export interface LaidOut {
  chart: Chart;
  layout: Layout;
}

const cache = new Map<AnyStateMachine, Promise<LaidOut>>();
let runs = 0;

export function laidOut(
  machine: AnyStateMachine,
  children: readonly ChildSpec[] = [],
): Promise<LaidOut> {
  let found = cache.get(machine);
  if (!found) {
    found = (async () => {
      runs++;
      const chart = chartOf(machine, children);
      return { chart, layout: await layoutChart(chart) };
    })();
    cache.set(machine, found);
  }
  return found;
}

/** The connection machine with its tunnel child, as the details panel draws it. */
export const connectionChart = () => laidOut(connectionMachine, [TUNNEL_CHILD]);

export const layoutRuns = () => runs;

/** A dotted path and its ancestors: `connected.pinging` → `connected`, `connected.pinging`. */
export function pathAndAncestors(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** The durable history marks the tunnel's own transitions `machine: 'tunnel'`. */
export const isTunnelRecord = (record: TransitionRecord) => record.machine === 'tunnel';

/** A tunnel record's paths as the chart names them (`@tunnel.open`), others as they are. */
export function chartRecord(record: TransitionRecord): TransitionRecord {
  if (!isTunnelRecord(record)) return record;
  return {
    ...record,
    from: childPath(TUNNEL_CHILD.id, record.from),
    to: childPath(TUNNEL_CHILD.id, record.to),
  };
}
