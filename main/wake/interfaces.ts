import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { realTimers, type WatchTimers } from './timers.ts';

export type InterfaceList = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface InterfaceChange {
  added: string[];
  gone: string[];
}

export interface InterfacesOptions {
  intervalMs?: number;
  /** `os.networkInterfaces` unless a test brings its own lists. */
  read?: () => InterfaceList;
  timers?: WatchTimers;
}

export const INTERFACES_INTERVAL_MS = 2_000;

/** Every external address as `interface address`; loopback never changes what a server sees. */
export function addressesOf(list: InterfaceList): Set<string> {
  const found = new Set<string>();
  for (const [name, infos] of Object.entries(list)) {
    for (const info of infos ?? []) if (!info.internal) found.add(`${name} ${info.address}`);
  }
  return found;
}

/**
 * Calls `onChange` when an address came or went between two reads: a change of Wi-Fi, a VPN up
 * or down, a cable plugged in. The sockets of the old path may be dead without a sound (no RST
 * ever comes), while "online" stayed true throughout, which is all the OS's online flag says.
 * A read that throws (it can, on some systems, while interfaces change) is skipped.
 */
export function watchInterfaces(
  onChange: (change: InterfaceChange) => void,
  options: InterfacesOptions = {},
): () => void {
  const read = options.read ?? networkInterfaces;
  const timers = options.timers ?? realTimers;
  const safeRead = (): Set<string> | null => {
    try {
      return addressesOf(read());
    } catch {
      return null;
    }
  };
  let last = safeRead();
  return timers.every(options.intervalMs ?? INTERFACES_INTERVAL_MS, () => {
    const now = safeRead();
    if (!now) return;
    const before = last;
    last = now;
    if (!before) return;
    const added = [...now].filter((a) => !before.has(a));
    const gone = [...before].filter((a) => !now.has(a));
    if (added.length > 0 || gone.length > 0) onChange({ added, gone });
  });
}
