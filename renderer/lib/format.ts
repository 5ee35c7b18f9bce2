import type { ConnectionStatus } from '../../machines/config.ts';
import type { WakeCause } from '../../machines/connection.types.ts';

export const statusText: Record<ConnectionStatus, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A countdown in tenths below 10 s (a backoff is often that short), whole seconds above. */
export function formatCountdown(ms: number): string {
  const left = Math.max(0, ms);
  if (left < 10_000) return `${(left / 1000).toFixed(1)} s`;
  return `${Math.ceil(left / 1000)} s`;
}

/** Event names as the machine has them, made readable: `xstate.after.keepaliveInterval.…` → `after keepaliveInterval`. */
export function eventText(event: string): string {
  if (event.startsWith('xstate.after.')) return `after ${event.split('.')[2] ?? ''}`;
  if (event.startsWith('xstate.done.actor.')) return `done: ${event.slice(18).split('.').pop()}`;
  if (event.startsWith('xstate.error.actor.')) return `error: ${event.slice(19).split('.').pop()}`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  if (event === '' || event === 'xstate.always') return 'always';
  return event;
}

/** Why a WAKE was sent, as the history says it. */
export const wakeCauseText: Record<WakeCause, string> = {
  resume: 'after sleep',
  network: 'network changed',
  online: 'page back online',
  visible: 'page shown again',
  user: 'asked now',
  ready: 'server answers',
};
