import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Actor, assign, createActor, fromCallback, type SnapshotFrom, waitFor } from 'xstate';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  validate,
} from '../../../machines/config.ts';
import { connectionMachine } from '../../../machines/connection.machine.ts';
import type { ConnectionEvent, ProbeInput } from '../../../machines/connection.types.ts';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { type PgServer, startPostgres } from '../../../test/harness/postgres.ts';
import { uniqueName } from '../../../test/harness/shared.ts';
import { createPgEffects, type PgEffects } from '../effects.ts';
import type { PgSession } from '../session.ts';

export type ConnectionActor = Actor<typeof connectionMachine>;
export type ConnectionSnapshot = SnapshotFrom<typeof connectionMachine>;

/** Where a test connects: the shared server, a proxy in front of it, or a server of its own. */
export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

type Patch = Omit<Partial<ConnectionConfigInput>, 'options'> & {
  options?: Partial<NonNullable<ConnectionConfigInput['options']>>;
};

/** A valid config for `target` with a unique application name, so backends can be counted. */
export function configFor(target: Target, patch: Patch = {}): ConnectionConfig {
  const { options, ...rest } = patch;
  return validate({
    id: randomUUID(),
    name: 'pg effects test',
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.user,
    sslMode: 'disable',
    ...rest,
    options: { applicationName: uniqueName('tusk_pg'), connectTimeoutSec: 2, ...options },
  });
}

/**
 * Effects for one test file, every session closed after each test. `password` goes through the
 * one-off map, as the service passes a password given to connect().
 */
export function effectsPerTest(): { effects: () => PgEffects; actors: ConnectionActor[] } {
  let current: PgEffects | undefined;
  const actors: ConnectionActor[] = [];
  afterEach(async () => {
    for (const actor of actors.splice(0)) actor.stop();
    await current?.closeAll();
    current = undefined;
  });
  return {
    actors,
    effects: () => {
      current ??= createPgEffects();
      return current;
    },
  };
}

/** Each actor's effects, so connected() can find its session. */
const effectsOf = new WeakMap<ConnectionActor, PgEffects>();

export function startConnection(
  effects: PgEffects,
  config: ConnectionConfig,
  opts: {
    password?: string;
    actors?: ConnectionActor[];
    machine?: typeof connectionMachine;
    /** false: no readiness probe while a reconnect waits, the backoff timer alone decides. */
    probe?: boolean;
  } = {},
): ConnectionActor {
  if (opts.password !== undefined) effects.oneOffPasswords.set(config.id, opts.password);
  const actors =
    opts.probe === false
      ? { ...effects.actors, probe: fromCallback<ConnectionEvent, ProbeInput>(() => undefined) }
      : effects.actors;
  const machine = (opts.machine ?? connectionMachine).provide({ actors });
  const actor = createActor(machine, { input: { config } });
  opts.actors?.push(actor);
  effectsOf.set(actor, effects);
  actor.start();
  return actor;
}

export const statusOf = (actor: ConnectionActor) => actor.getSnapshot().value;

export function waitForStatus(
  actor: ConnectionActor,
  status: 'connected' | 'disconnected' | 'error' | 'reconnecting' | 'connecting',
  timeout = 10_000,
): Promise<ConnectionSnapshot> {
  return waitFor(actor, (s) => s.matches(status), { timeout });
}

/**
 * Connects and waits for `connected`, and for the control client that opens behind it (so a
 * test sees both backends); fails with the machine's lastError if it lands in `error`.
 */
export async function connected(
  actor: ConnectionActor,
  timeout = 10_000,
): Promise<ConnectionSnapshot> {
  actor.send({ type: 'CONNECT' });
  const snapshot = await waitFor(actor, (s) => s.matches('connected') || s.matches('error'), {
    timeout,
  });
  if (snapshot.matches('error')) {
    throw new Error(`expected connected, got error: ${JSON.stringify(snapshot.context.lastError)}`);
  }
  await effectsOf.get(actor)?.sessions.get(snapshot.context.config.id)?.controlReady;
  return snapshot;
}

/** Sends DISCONNECT and waits until the close has finished (`disconnected.closed`). */
export async function disconnected(actor: ConnectionActor, timeout = 10_000): Promise<void> {
  actor.send({ type: 'DISCONNECT' });
  await waitFor(actor, (s) => s.matches({ disconnected: 'closed' }), { timeout });
}

export function sessionOf(effects: PgEffects, config: ConnectionConfig): PgSession {
  const session = effects.sessions.get(config.id);
  if (!session) throw new Error(`no open session for ${config.id}`);
  return session;
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `timeout` passes; returns how long it took. */
export async function eventually(check: () => Promise<boolean> | boolean, timeout = 5_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeout) throw new Error(`condition not met within ${timeout} ms`);
    await delay(25);
  }
  return Date.now() - started;
}

/** Every top-level status the actor passes through, in order, with when it got there. */
export function recordStatuses(actor: ConnectionActor) {
  const seen: { status: string; at: number }[] = [];
  const top = (s: ConnectionSnapshot) =>
    typeof s.value === 'string' ? s.value : (Object.keys(s.value)[0] ?? '');
  const note = (s: ConnectionSnapshot) => {
    const status = top(s);
    if (seen.at(-1)?.status !== status) seen.push({ status, at: performance.now() });
  };
  note(actor.getSnapshot());
  const sub = actor.subscribe(note);
  return {
    seen,
    statuses: () => seen.map((s) => s.status),
    stop: () => sub.unsubscribe(),
  };
}

/**
 * A server of the test file's own (it may be stopped and started) behind a fault proxy; both
 * exist from beforeAll to afterAll. Read the fields inside the tests.
 */
export function ownServerBehindProxy(): { server: PgServer; proxy: FaultProxy } {
  const env = {} as { server: PgServer; proxy: FaultProxy };
  beforeAll(async () => {
    env.server = await startPostgres();
    env.proxy = await createFaultProxy({
      targetHost: env.server.host,
      targetPort: env.server.port,
    });
  });
  afterAll(async () => {
    await env.proxy?.close();
    await env.server?.dispose();
  });
  return env;
}

/**
 * The connection machine with each reconnect wait set by `waitMs(attempt)` instead of the
 * random draw (the first attempt after a loss still goes at once), for tests that need to know it.
 */
export function withRetryWaits(waitMs: (attempt: number) => number): typeof connectionMachine {
  return connectionMachine.provide({
    actions: {
      scheduleRetry: assign(({ context }) => {
        if (context.attempt === 0) return { retryDelayMs: 0, nextRetryAt: null };
        const ms = waitMs(context.attempt);
        return { retryDelayMs: ms, nextRetryAt: Date.now() + ms };
      }),
    },
  });
}
