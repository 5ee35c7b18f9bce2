import type { Observer, Subscription } from 'xstate';

/**
 * A value that `useSelector` can read: the same reference until `set` gives a new one. It must
 * be an object: useSelector asks `'status' in snapshot`.
 */
export interface ValueStore<T> {
  subscribe(observer: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  getSnapshot(): T;
  set(next: T): void;
}

export function createValueStore<T extends object>(initial: T): ValueStore<T> {
  let value = initial;
  const observers = new Set<Partial<Observer<T>>>();
  return {
    subscribe(observerOrNext) {
      const observer =
        typeof observerOrNext === 'function' ? { next: observerOrNext } : observerOrNext;
      observers.add(observer);
      return { unsubscribe: () => observers.delete(observer) };
    },
    getSnapshot: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const observer of [...observers]) observer.next?.(value);
    },
  };
}
