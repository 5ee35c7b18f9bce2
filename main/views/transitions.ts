import type { StateValue } from 'xstate';
import type { ConnectionContext, WakeCause } from '../../machines/connection.types.ts';
import { statusOfPath, type TransitionRecord } from '../../machines/views.ts';

/** `{ connected: 'pinging' }` → `connected.pinging`; a parallel value joins its regions with `,`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => {
      const rest = child === undefined ? '' : statePath(child as StateValue);
      return rest === '' ? key : `${key}.${rest}`;
    })
    .join(',');
}

export interface Step {
  at: number;
  from: StateValue;
  to: StateValue;
  event: string;
  /** A WAKE's cause, when it said one. */
  cause?: WakeCause;
  before: ConnectionContext;
  after: ConnectionContext;
}

/**
 * What one macrostep of a connection actor looks like in its history. An error is recorded when
 * the step set a new one (the failure that caused it); the host on entry to `connected`.
 */
export function transitionRecord(step: Step): TransitionRecord {
  const from = statePath(step.from);
  const to = statePath(step.to);
  const record: TransitionRecord = { at: step.at, from, to, event: step.event };
  if (step.cause) record.cause = step.cause;
  const error = step.after.lastError;
  if (error && error !== step.before.lastError) {
    record.error =
      error.code === undefined ? { kind: error.kind } : { kind: error.kind, code: error.code };
  }
  if (statusOfPath(to) === 'connected' && statusOfPath(from) !== 'connected') {
    const host = reachedHost(step.after);
    if (host) record.host = host;
  }
  return record;
}

/**
 * The server info says which host answered once the session knows it (a multi-host config);
 * with a single host it can only be the configured one.
 */
function reachedHost(context: ConnectionContext): string | undefined {
  const server = context.server as
    | (ConnectionContext['server'] & { host?: string; port?: number })
    | null;
  if (server?.host !== undefined) {
    return server.port === undefined ? server.host : `${server.host}:${server.port}`;
  }
  if (context.config.hosts && context.config.hosts.length > 1) return undefined;
  return `${context.config.host}:${context.config.port}`;
}
