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
  /** onStop's waiters: a Set costs far less per query than listeners on the AbortSignal. */
  readonly #waiters = new Set<() => void>();

  constructor() {
    // Anyone may listen (the query path uses onStop instead); dozens at once are normal.
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
    this.#halt();
    // Work stops now; the news goes out on the next turn. A ping or step that failed from the
    // same cause rejects within this turn's microtasks, so the machine hears the specific
    // failure first, and a session closed meanwhile (silence) tells no one.
    setImmediate(() => {
      for (const listener of [...this.#listeners]) listener(error);
    });
    return true;
  }

  /** Closed on purpose: no more work, and no alarm to anyone. */
  silence(): void {
    this.#listeners.clear();
    this.#halt();
  }

  #halt(): void {
    this.#stop.abort();
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /**
   * Calls `waiter` once when the session stops taking work (lost or closed), as `signal`'s abort
   * would (soon, if it already has). Returns the unsubscribe.
   */
  onStop(waiter: () => void): () => void {
    if (this.#stop.signal.aborted) {
      let active = true;
      queueMicrotask(() => active && waiter());
      return () => {
        active = false;
      };
    }
    this.#waiters.add(waiter);
    return () => this.#waiters.delete(waiter);
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
