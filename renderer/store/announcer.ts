import { createValueStore, type ValueStore } from './value-store.ts';

export interface Announcement {
  id: number;
  at: number;
  message: string;
  tone: 'info' | 'good' | 'warn' | 'bad';
}

/**
 * Status changes said once, quietly: the status bar shows the latest and the aria-live region
 * reads it. Kept short (the last few), never a growing log.
 */
export interface Announcer {
  store: ValueStore<Announcement[]>;
  say(message: string, tone?: Announcement['tone']): void;
}

const KEEP = 5;

export function createAnnouncer(now: () => number = Date.now): Announcer {
  const store = createValueStore<Announcement[]>([]);
  let next = 1;
  return {
    store,
    say(message, tone = 'info') {
      const entry = { id: next++, at: now(), message, tone };
      store.set([...store.getSnapshot(), entry].slice(-KEEP));
    },
  };
}
