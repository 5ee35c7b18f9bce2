import { TuskError } from '../../machines/errors.ts';
import type { ConnectionService } from '../service.ts';
import type { Demo, DemoControls, DemoFault } from './demo.ts';

const DEFAULT_BLACKHOLE_SECONDS = 5;
const MAX_BLACKHOLE_SECONDS = 60;

/**
 * The demo's fault controls, as service-level functions a host binds to the `demo_fault`
 * command. With no demo running (`--no-demo`, or it failed to start) every connection is
 * "not the demo" and a fault is refused as InvalidInput.
 */
export function createDemoControls(opts: {
  demo: Demo | undefined;
  service: ConnectionService;
}): DemoControls {
  const { demo, service } = opts;
  let blackhole: NodeJS.Timeout | undefined;
  let closed = false;

  const refuse = (connectionId: string) =>
    new TuskError({
      kind: 'InvalidInput',
      field: 'connectionId',
      message: demo
        ? `Connection ${connectionId} is not the demo connection; faults are only for the demo`
        : 'No demo database is running (the app was started with --no-demo, or the demo failed to start)',
    });

  async function applicationNameOf(connectionId: string) {
    const saved = await service.listConnections();
    return saved.find((c) => c.config.id === connectionId)?.config.options.applicationName;
  }

  function endBlackholeIn(running: Demo, seconds: number) {
    clearTimeout(blackhole);
    blackhole = setTimeout(() => {
      blackhole = undefined;
      void running.proxy.setMode('pass').catch(() => {});
    }, seconds * 1000);
    // A blackhole must not keep a quitting process alive.
    blackhole.unref();
  }

  return {
    isDemo: (connectionId) => demo !== undefined && connectionId === demo.connectionId,
    async fault(connectionId: string, fault: DemoFault, seconds?: number) {
      if (closed || !demo || connectionId !== demo.connectionId) throw refuse(connectionId);
      if (fault === 'terminate') {
        const name = (await applicationNameOf(connectionId)) ?? 'tusk-demo';
        await demo.server.terminate(name);
      } else if (fault === 'restart') {
        await demo.server.restart();
      } else {
        const span = seconds ?? DEFAULT_BLACKHOLE_SECONDS;
        if (!Number.isFinite(span) || span <= 0 || span > MAX_BLACKHOLE_SECONDS) {
          throw new TuskError({
            kind: 'InvalidInput',
            field: 'seconds',
            message: `seconds must be more than 0 and at most ${MAX_BLACKHOLE_SECONDS}`,
          });
        }
        await demo.proxy.setMode('blackhole');
        // A second blackhole while one is on lasts the new span from now.
        endBlackholeIn(demo, span);
      }
    },
    async close() {
      closed = true;
      if (!blackhole) return;
      clearTimeout(blackhole);
      blackhole = undefined;
      await demo?.proxy.setMode('pass').catch(() => {});
    },
  };
}
