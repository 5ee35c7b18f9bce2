import type { CommandTable } from '../ipc/index.ts';
import type { DemoControls } from './demo.ts';

/** The demo_fault command (machines/ipc.ts) bound to this app start's demo controls. */
export function demoCommands(controls: DemoControls): CommandTable {
  return {
    demo_fault: async (_context, { connectionId, fault, seconds }) => {
      await controls.fault(connectionId, fault, seconds);
      return null;
    },
  };
}
