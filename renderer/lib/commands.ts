import type { Transport } from '../../machines/ipc.ts';

/**
 * Commands another branch adds to the table (demo_fault); sent through the same transport.
 * Until their schemas are in machines/ipc.ts the compiler cannot check these arguments.
 */
export type DemoFault = 'terminate' | 'restart' | 'blackhole';

export function sendDemoFault(
  transport: Transport,
  args: { connectionId: string; fault: DemoFault; seconds?: number },
): Promise<unknown> {
  const invoke = transport.invoke as (command: string, args: unknown) => Promise<unknown>;
  return invoke('demo_fault', args);
}
