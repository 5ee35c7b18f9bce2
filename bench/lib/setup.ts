import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  type ConnectionStatus,
  validate,
} from '../../machines/config.ts';
import { createMemoryCredentialStore } from '../../main/credentials/index.ts';
import { clientConfig } from '../../main/pg/client.ts';
import {
  type ConnectionService,
  type ConnectionServiceOptions,
  createConnectionService,
} from '../../main/service.ts';
import type { PgFacts } from '../../test/harness/pg-admin.ts';

/** Progress goes to stderr; results go to the report. */
export const progress = (message: string) => process.stderr.write(`  ${message}\n`);

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type OptionsPatch = Partial<NonNullable<ConnectionConfigInput['options']>>;

/** A valid config for the server, plain TCP; `applicationName` tells its backends apart. */
export function benchConfig(
  server: PgFacts,
  applicationName: string,
  options: OptionsPatch = {},
  patch: Partial<ConnectionConfigInput> = {},
): ConnectionConfig {
  return validate({
    id: randomUUID(),
    name: `bench ${applicationName}`,
    host: server.host,
    port: server.port,
    database: server.database,
    username: server.user,
    sslMode: 'disable',
    ...patch,
    options: { applicationName, ...options },
  });
}

export interface OpenService {
  service: ConnectionService;
  dataDir: string;
  close(): Promise<void>;
}

/** A service on a fresh data directory with in-memory credentials. */
export async function openService(
  options: Partial<ConnectionServiceOptions> = {},
  dataDir?: string,
): Promise<OpenService> {
  const root = dataDir ? undefined : await mkdtemp(join(tmpdir(), 'tusk-bench-'));
  const dir = dataDir ?? join(root!, 'data');
  const service = await createConnectionService({
    dataDir: dir,
    credentials: createMemoryCredentialStore(),
    ...options,
  });
  return {
    service,
    dataDir: dir,
    async close() {
      await service.close();
      if (root) await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A bare pg.Pool with exactly the options the service gives its own clients (startup options,
 * TCP keepalive, application name) and `max` clients; idle errors are swallowed, as any app
 * using a pool must.
 */
export function barePool(config: ConnectionConfig, password: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(config, false, () => password),
    max,
    idleTimeoutMillis: 10_000,
  });
  pool.on('error', () => {});
  return pool;
}

/** Status events of the service with the time each was heard. */
export function statusClock(service: ConnectionService) {
  const heard: { id: string; status: ConnectionStatus; at: number }[] = [];
  const stop = service.onStatus((event) =>
    heard.push({ id: event.connectionId, status: event.status, at: performance.now() }),
  );
  return {
    heard,
    stop,
    /** The first time `status` was heard for `id` after `since`; waits up to `timeoutMs`. */
    async first(id: string, status: ConnectionStatus, since: number, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const hit = heard.find((h) => h.id === id && h.status === status && h.at >= since);
        if (hit) return hit.at;
        if (performance.now() > deadline) {
          throw new Error(`no "${status}" for ${id} within ${timeoutMs} ms`);
        }
        await delay(1);
      }
    },
  };
}

/** Explicit gc when the process runs with --expose-gc (the bench workers do). */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc (bench/run.ts starts its workers so)');
  collect();
  collect();
}
