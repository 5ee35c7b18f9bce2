import { expect } from 'vitest';
import type { ConnectionConfig, ConnectionStatus } from '../machines/config.ts';
import {
  type ConnectionSnapshot,
  isRestState,
  type ModelEvent,
  meaningOf,
} from './connection-events.ts';
import { abstractState, type ModelPath } from './connection-model.ts';
import type { World } from './connection-world.ts';

/** How long one step may take for real: a connect timeout or a keepalive tick plus a ping. */
const STEP_TIMEOUT_MS = 5_000;

const topLevel = (snapshot: ConnectionSnapshot): ConnectionStatus =>
  (typeof snapshot.value === 'string'
    ? snapshot.value
    : Object.keys(snapshot.value)[0]) as ConnectionStatus;

const sameState = (real: ConnectionSnapshot, model: ConnectionSnapshot) =>
  JSON.stringify(abstractState(real)) === JSON.stringify(abstractState(model));

export const describeEvent = (event: ModelEvent) => {
  const type = event.type
    .replace(/^xstate\.(done|error)\.actor\.0\.connection\./, '$1 ')
    .replace(/^xstate\.after\.(\w+)\..*/, 'after $1');
  const error = event.error as { code?: string } | undefined;
  const options = (event.config as ConnectionConfig | undefined)?.options;
  if (error?.code) return `${type} (${error.code})`;
  if (options) {
    return `${type} (maxReconnectAttempts ${options.maxReconnectAttempts}, readonly ${options.readonly})`;
  }
  return type;
};

export const describePath = (path: ModelPath) =>
  path.steps
    .slice(1)
    .map((s) => describeEvent(s.event))
    .join(' → ');

/**
 * Runs a model path against the world: each step's event is made to happen for real (a command,
 * a terminated backend, a saved config; faults of effects were planned into the world; timers
 * and successes just happen), then the real actor must reach the step's state, with the same
 * attempt count, error class and auto-reconnect setting, within a bound, and the world must look
 * like that state: reported status, backends in pg_stat_activity, read-only in force.
 *
 * Commands due in a state the actor leaves within milliseconds (a WAKE while waiting to retry, a
 * CONNECT while closing) are sent from the actor's snapshot subscription as it enters the state.
 */
export async function runPath(path: ModelPath, world: World): Promise<void> {
  const { steps } = path;
  const matched: ConnectionSnapshot[] = [world.snapshots[0]!];
  let waiter: (() => void) | undefined;

  const subscription = world.actor.subscribe((snapshot) => {
    const next = steps[matched.length];
    if (!next || !sameState(snapshot, next.state)) return;
    matched.push(snapshot);
    const then = steps[matched.length];
    if (then && !isRestState(next.state)) {
      const meaning = meaningOf(then.event.type, next.state);
      if (meaning.kind === 'command') command(world, meaning.type);
    }
    waiter?.();
  });

  try {
    for (let i = 0; i < steps.length; i++) {
      await reached(i);
      await expectWorldIn(world, matched[i]!, steps[i]!.state);
      const next = steps[i + 1];
      // A config change from outside a rest state is made while its open is stalled on purpose.
      const held = next && meaningOf(next.event.type, steps[i]!.state).kind === 'config';
      if (next && (isRestState(steps[i]!.state) || held)) {
        await drive(world, next.event, steps[i]!.state);
      }
    }
    const predicted = collapse(steps.map((s) => topLevel(s.state))).slice(1);
    const seen = world.statuses.map((e) => e.status);
    expect(seen.slice(0, predicted.length), 'status events').toEqual(predicted);
  } finally {
    subscription.unsubscribe();
  }

  async function reached(i: number) {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (matched.length <= i) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const since = world.snapshots.slice(world.snapshots.indexOf(matched.at(-1)!));
        const step = steps[i]!;
        throw new Error(
          [
            `step ${i} (${describeEvent(step.event)}): expected ${JSON.stringify(abstractState(step.state))}`,
            `within ${STEP_TIMEOUT_MS} ms; the actor went through:`,
            ...since.map((s) => `  ${JSON.stringify(abstractState(s))}`),
            `path: ${describePath(path)}`,
          ].join('\n'),
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

const collapse = <T>(values: T[]) => values.filter((v, i) => i === 0 || v !== values[i - 1]);

/** A command sent at once (from the snapshot subscription: synchronously). */
function command(world: World, type: 'CONNECT' | 'DISCONNECT' | 'RETRY' | 'WAKE') {
  const { service, config } = world;
  switch (type) {
    case 'CONNECT':
      // Its outcome is the actor's: an error here is what a path into `error` expects.
      world.pending.push(service.connect(config).catch(() => undefined));
      break;
    case 'DISCONNECT':
      world.pending.push(service.disconnect(config.id));
      break;
    case 'RETRY':
      service.manager.send({ type: 'RETRY', connectionId: config.id });
      break;
    case 'WAKE':
      service.manager.send({ type: 'WAKE' });
      break;
  }
}

/** Makes an event happen from a rest state; effects' outcomes and timers need nothing. */
async function drive(world: World, event: ModelEvent, from: ConnectionSnapshot) {
  const meaning = meaningOf(event.type, from);
  switch (meaning.kind) {
    case 'command':
      command(world, meaning.type);
      break;
    case 'lost':
      await world.server.terminate({ applicationName: world.config.options.applicationName });
      break;
    case 'config': {
      const { maxReconnectAttempts, readonly } = (event.config as typeof world.config).options;
      const options = { ...world.config.options, maxReconnectAttempts, readonly };
      world.config = { ...world.config, options };
      await world.service.saveConnection(world.config);
      break;
    }
  }
}

/**
 * What must hold in the state the actor matched, checked while it is still there: the status
 * the service reports, and in rest states the backends: none once closed, one to poolMax while
 * connected, and writes refused with 25006 when the connection is read-only.
 */
async function expectWorldIn(world: World, real: ConnectionSnapshot, model: ConnectionSnapshot) {
  const { service, config } = world;
  if (world.actor.getSnapshot() !== real) return;
  expect(await service.getConnectionStatus(config.id), 'reported status').toBe(topLevel(model));
  if (!isRestState(model)) return;
  const backends = await world.backends();
  if (model.matches('connected')) {
    expect(backends, 'backends while connected').toBeGreaterThanOrEqual(1);
    expect(backends, 'backends while connected').toBeLessThanOrEqual(config.options.poolMax);
    if (config.options.readonly) {
      await expect(
        service.query(config.id, 'create table model_write_check (n int)'),
        'a write on a read-only connection',
      ).rejects.toMatchObject({ code: '25006' });
    }
  } else {
    expect(backends, `backends in ${JSON.stringify(model.value)}`).toBe(0);
  }
}
