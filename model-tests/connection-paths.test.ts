import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionMachine } from '../machines/connection.machine.ts';
import { sharedServer } from '../test/harness/shared.ts';
import { type SshServer, startSshd } from '../test/harness/sshd.ts';
import { connectionPaths, plannedFaults } from './connection-model.ts';
import { openWorld } from './connection-world.ts';
import { CoverageRecorder, formatReport } from './machine-coverage.ts';
import { describePath, lingeringBackends, runPath } from './run-path.ts';

const server = sharedServer();
// One sshd for every path; each world puts a fault proxy of its own in front of it.
let sshd: SshServer;
beforeAll(async () => {
  sshd = await startSshd({ permitOpen: 'any' });
});
afterAll(() => sshd?.dispose());
const paths = connectionPaths();
const coverage = new CoverageRecorder(connectionMachine);

const usesKeepalive = (path: (typeof paths)[number]) =>
  path.steps.some((s) => s.event.type.startsWith('xstate.after.keepaliveInterval'));

describe.concurrent('connection machine paths, against a real server', () => {
  paths.forEach((path, index) => {
    it(`path ${index + 1}: ${describePath(path)}`, async () => {
      const world = await openWorld(server, {
        faults: plannedFaults(path),
        // A keepalive tick only where the path waits for one: elsewhere a ping nobody planned
        // would run in the middle of the path.
        keepaliveIntervalSec: usesKeepalive(path) ? 1 : 600,
        inspect: coverage.inspect,
        sshd,
      });
      try {
        await runPath(path, world);
      } finally {
        await world.dispose();
      }
      expect(await world.backends(), 'backends after the service closed').toBe(0);
    });
  });
});

/**
 * Transitions no real run can take, each with the reason; printed with every run. A path that
 * takes one makes the run fail until it is removed from here. Empty: every transition is real.
 */
const UNREACHABLE = new Map<string, string>();

describe('coverage', () => {
  it('the real actors took every transition of the connection machine and passed every state', () => {
    const report = coverage.report(UNREACHABLE);
    const bug = lingeringBackends.map((note) => `  known limit (see run-path.ts): ${note}`);
    console.log([`${paths.length} paths`, formatReport(report), ...bug].join('\n'));
    expect(report.states.missing, 'states no path reached').toEqual([]);
    expect(report.transitions.missing, 'transitions no path took').toEqual([]);
    expect(report.transitions.stale, 'declared unreachable, but taken or gone').toEqual([]);
  });
});
