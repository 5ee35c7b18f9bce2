import type { StateValue } from 'xstate';

/**
 * Every active state of a state value as a dotted path, outermost first:
 * `{ connected: 'pinging' }` → `['connected', 'connected.pinging']`.
 */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix + key;
    return child === undefined ? [path] : [path, ...activePaths(child, `${path}.`)];
  });
}

/** The deepest active path, for display: `connected.pinging`. */
export function leafPath(value: StateValue): string {
  const paths = activePaths(value);
  return paths[paths.length - 1] ?? '';
}
