import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { waitFor } from 'xstate';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  type ConnectionStatus,
  validate,
} from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import {
  type ConnectionActorRef,
  type ConnectionStatusEvent,
  connectionActorId,
} from '../../machines/manager.machine.ts';
import { uniqueName } from '../../test/harness/shared.ts';
import { createKeytarStore, type Keytar, type SecretStore } from '../credentials/index.ts';
import {
  type ConnectionService,
  type ConnectionServiceOptions,
  createConnectionService,
} from '../service.ts';

/** Where a test connects: the shared server, a fault proxy in front of it, or its own server. */
export interface Target {
  host: string;
  port: number;
  user: string;
  database: string;
}

export type Patch = Omit<Partial<ConnectionConfigInput>, 'options'> & {
  options?: Partial<NonNullable<ConnectionConfigInput['options']>>;
};

/**
 * A valid config for `target`. Its application name is unique, so `server.backends()` and
 * `server.terminate()` see only this connection's backends on the shared server; timings are
 * short so a failing test fails in seconds.
 */
export function configFor(target: Target, patch: Patch = {}): ConnectionConfig {
  const { options, ...rest } = patch;
  return validate({
    id: randomUUID(),
    name: 'service test',
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.user,
    sslMode: 'disable',
    ...rest,
    options: { applicationName: uniqueName('tusk_svc'), connectTimeoutSec: 2, ...options },
  });
}

export async function rawKeytar(): Promise<
  Keytar & Pick<typeof import('keytar'), 'findCredentials'>
> {
  const module = (await import('keytar')) as typeof import('keytar') & {
    default?: typeof import('keytar');
  };
  return module.default ?? module;
}

export interface ServiceFixture {
  service: ConnectionService;
  dataDir: string;
  /** The real keyring, under a service name of this test's own. */
  credentials: SecretStore;
  keyringService: string;
  /** A second service on the same data directory and keyring: a restart. Closed after the test. */
  reopen(options?: Partial<ConnectionServiceOptions>): Promise<ConnectionService>;
}

/**
 * A service on a fresh data directory and the real keyring (a keyring service name of its own).
 * After the test every service it opened is closed, every secret filed under that name is
 * deleted, and the directory is removed.
 */
export async function startService(
  options: Partial<ConnectionServiceOptions> = {},
): Promise<ServiceFixture> {
  const root = await mkdtemp(join(tmpdir(), 'tusk-service-'));
  const dataDir = join(root, 'data');
  const keyringService = `tusk-test-${randomUUID()}`;
  const credentials = createKeytarStore({ service: keyringService });
  const opened: ConnectionService[] = [];
  onTestFinished(async () => {
    await Promise.all(opened.map((s) => s.close()));
    const keytar = await rawKeytar();
    for (const { account } of await keytar.findCredentials(keyringService)) {
      await keytar.deletePassword(keyringService, account);
    }
    await rm(root, { recursive: true, force: true });
  });
  const open = async (extra: Partial<ConnectionServiceOptions> = {}) => {
    const service = await createConnectionService({ dataDir, credentials, ...options, ...extra });
    opened.push(service);
    return service;
  };
  return { service: await open(), dataDir, credentials, keyringService, reopen: open };
}

export const actorOf = (service: ConnectionService, id: string) =>
  service.manager.system.get(connectionActorId(id)) as ConnectionActorRef | undefined;

/** Every status event of the service, in order, from now on. */
export function recordStatuses(service: ConnectionService): ConnectionStatusEvent[] {
  const events: ConnectionStatusEvent[] = [];
  const stop = service.onStatus((event) => events.push(event));
  onTestFinished(stop);
  return events;
}

/**
 * Resolves once the statuses `events` (from recordStatuses) holds for the connection are at
 * least as many as `expected`; returns them, for the caller to compare. Unlike the current
 * status this cannot miss a short state: a reconnect can be over before the
 * `pg_terminate_backend` that caused it has even returned.
 */
export async function untilStatuses(
  events: ConnectionStatusEvent[],
  id: string,
  expected: ConnectionStatus[],
  timeout = 5_000,
): Promise<ConnectionStatus[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const seen = events.filter((e) => e.connectionId === id).map((e) => e.status);
    if (seen.length >= expected.length) return seen;
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${expected.join(', ')} within ${timeout} ms; saw ${seen.join(', ')}`,
      );
    }
    await delay(10);
  }
}

/** Resolves once the manager reports `status` for the connection. */
export async function untilStatus(
  service: ConnectionService,
  id: string,
  status: ConnectionStatus,
  timeout = 5_000,
): Promise<void> {
  await waitFor(service.manager, (s) => s.context.statuses[id] === status, { timeout });
}

/** Awaits `promise`, expects it to reject with a TuskError, and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<TuskError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) {
    throw new Error(`expected a TuskError, got a result: ${JSON.stringify(outcome.value)}`);
  }
  if (!(outcome.error instanceof TuskError)) {
    throw new Error(`expected a TuskError, got ${String(outcome.error)}`, {
      cause: outcome.error,
    });
  }
  return outcome.error;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
