import { setMaxListeners } from 'node:events';
import type { TuskError } from '../../machines/errors.ts';

/**
 * A session's "this connection is gone" alarm: fires once, remembers why, and aborts `signal`
 * so everything waiting on the session (pool waiters, the query path) gives up at once.
 * watchSession subscribes while the machine is `connected`; a loss before that (during the
 * connect steps) is remembered and delivered on subscription, and one after the session closed
 * is nobody's business any more.
 */
export class LostAlarm {
  #error: TuskError | null = null;
  readonly #listeners = new Set<(error: TuskError) => void>();
  readonly #stop = new AbortController();

  constructor() {
    // Every query waiting for a pooled client listens here; dozens at once are normal.
    setMaxListeners(0, this.#stop.signal);
  }

  get error(): TuskError | null {
    return this.#error;
  }

  /** Aborted once the session takes no more work (lost or closed). */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Returns false if it had already fired. */
  fire(error: TuskError): boolean {
    if (this.#error || this.#stop.signal.aborted) return false;
    this.#error = error;
    this.#stop.abort();
    for (const listener of [...this.#listeners]) listener(error);
    return true;
  }

  /** Closed on purpose: no more work, and no alarm to anyone. */
  silence(): void {
    this.#listeners.clear();
    this.#stop.abort();
  }

  /** Calls `listener` once when the alarm fires (soon, if it already has). */
  subscribe(listener: (error: TuskError) => void): () => void {
    let active = true;
    const once = (error: TuskError) => {
      if (!active) return;
      active = false;
      this.#listeners.delete(once);
      listener(error);
    };
    const already = this.#error;
    if (already) queueMicrotask(() => once(already));
    else this.#listeners.add(once);
    return () => {
      active = false;
      this.#listeners.delete(once);
    };
  }
}
