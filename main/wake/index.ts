import type { WakeCause } from '../../machines/connection.types.ts';
import { type DriftOptions, watchDrift } from './drift.ts';
import { type InterfacesOptions, watchInterfaces } from './interfaces.ts';

export type { WatchTimers } from './timers.ts';

export interface WakeWatchOptions {
  drift?: DriftOptions;
  interfaces?: InterfacesOptions;
}

/**
 * Sleep and network-change detection in the process that owns the connections, whatever the
 * host (browser mode, the demo, watch, Electron): a wall-clock gap sends `resume`, an address
 * that came or went sends `network`. Returns the stop.
 */
export function watchForWake(
  wake: (cause: WakeCause) => void,
  options: WakeWatchOptions = {},
): () => void {
  const stops = [
    watchDrift(() => wake('resume'), options.drift),
    watchInterfaces(() => wake('network'), options.interfaces),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
