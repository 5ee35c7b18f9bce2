import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tunnelMachine } from '../machines/tunnel.machine.ts';
import { type SshServer, startSshd } from '../test/harness/sshd.ts';
import { CoverageRecorder, formatReport } from './machine-coverage.ts';
import {
  abstractTunnel,
  atomicState,
  plannedTunnelFaults,
  type TunnelPath,
  tunnelMeaningOf,
  tunnelPaths,
} from './tunnel-model.ts';
import { openTunnelWorld, type TunnelWorld } from './tunnel-world.ts';

let sshd: SshServer;
beforeAll(async () => {
  sshd = await startSshd({ permitOpen: 'any' });
});
afterAll(() => sshd?.dispose());

const paths = tunnelPaths();
const coverage = new CoverageRecorder(tunnelMachine);
/** A keepalive interval (1 s) and a probe, with room for a loaded machine. */
const STEP_TIMEOUT_MS = 5_000;

const key = (s: Parameters<typeof abstractTunnel>[0]) => JSON.stringify(abstractTunnel(s));
const describePath = (path: TunnelPath) =>
  path.steps
    .slice(1)
    .map(({ event }) =>
      event.type
        .replace(/^xstate\.(done|error)\.actor\.0\.tunnel\./, '$1 ')
        .replace(/^xstate\.after\.(\w+)\..*/, 'after $1'),
    )
    .join(' → ');

/**
 * Runs a path: faults were planned into the world; a drop is caused (the link reset) when the
 * tunnel idles and the path says TUNNEL_DROPPED; everything else happens by itself. The real
 * tunnel must pass through the path's states, in order, each within a bound, and tell its
 * parent what each state means: open, failed or lost.
 */
async function runTunnelPath(path: TunnelPath, world: TunnelWorld) {
  const expected = path.steps.map((s) => key(s.state));
  let driven = false;
  const deadline = () => Date.now() + STEP_TIMEOUT_MS;
  let until = deadline();
  let matched = 0;
  for (;;) {
    const seen = world.snapshots.map(key).filter((k, i, all) => i === 0 || k !== all[i - 1]);
    if (seen.length > matched) {
      matched = seen.length;
      until = deadline();
    }
    expect(seen.slice(0, expected.length), describePath(path)).toEqual(
      expected.slice(0, seen.length),
    );
    if (seen.length >= expected.length) break;
    const at = path.steps[seen.length - 1]!.state;
    const next = path.steps[seen.length]!.event;
    if (!driven && tunnelMeaningOf(next.type, at).kind === 'dropped') {
      driven = true;
      await world.proxy.setMode('reset');
    }
    if (Date.now() > until) throw new Error(`stuck after ${seen.at(-1)}: ${describePath(path)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const last = atomicState(path.state);
  // The parent also hears the child finish (xstate.done.actor.tunnel): not a report.
  const reports = world.reports.map((r) => r.type).filter((t) => !t.startsWith('xstate.'));
  if (last.startsWith('open')) {
    expect(reports).toEqual(['TUNNEL_OPEN']);
    expect(world.streamOpen()).toBe(true);
  }
  if (last === 'failed') expect(reports).toEqual(['TUNNEL_FAILED']);
  if (last === 'lost') {
    expect(reports).toEqual(['TUNNEL_OPEN', 'CONNECTION_LOST']);
    // Lost is final: its SSH connection is cut, so no channel waits on a dead link.
    expect(world.streamOpen()).toBe(false);
  }
}

describe.concurrent('tunnel machine paths, against a real sshd', () => {
  paths.forEach((path, index) => {
    it(`path ${index + 1}: ${describePath(path)}`, async () => {
      const world = await openTunnelWorld(sshd, {
        faults: plannedTunnelFaults(path),
        inspect: coverage.inspect,
      });
      try {
        await runTunnelPath(path, world);
      } finally {
        await world.dispose();
      }
    });
  });
});

describe('tunnel coverage', () => {
  it('the real tunnel actors took every transition of the tunnel machine and passed every state', () => {
    const report = coverage.report();
    console.log([`${paths.length} tunnel paths`, formatReport(report)].join('\n'));
    expect(report.states.missing, 'states no path reached').toEqual([]);
    expect(report.transitions.missing, 'transitions no path took').toEqual([]);
  });
});
