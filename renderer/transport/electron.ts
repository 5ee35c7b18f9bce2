import type { HostEventName, Reply, Transport } from '../../machines/ipc.ts';
import { typedInvoke } from './invoke.ts';

/** What main/electron/preload.ts exposes as `window.tusk`, and nothing more. */
export interface TuskBridge {
  invoke(command: string, args: unknown): Promise<Reply>;
  on(event: HostEventName, listener: (payload: unknown) => void): () => void;
}

export function createElectronTransport(
  bridge: TuskBridge = (globalThis as unknown as { tusk: TuskBridge }).tusk,
): Transport {
  return {
    invoke: typedInvoke((command, args) => bridge.invoke(command, args)),
    on: (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
  };
}
