import { createActor, SimulatedClock } from 'xstate';
import { connectionMachine } from '../../../machines/connection.machine.ts';
import {
  type ConnectionActorRef,
  connectionActorId,
  managerMachine,
} from '../../../machines/manager.machine.ts';
import { fakeEffects, settle, testConfig } from '../../../machines/test/fake-effects.ts';

export { settle };

/** `n` configs with distinct ids, as the manager loads saved connections. */
export const configs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ...testConfig({ maxReconnectAttempts: 3 }),
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `saved ${i}`,
  }));

/** A manager over the machines' fake effects and a simulated clock: no I/O, no real time. */
export function fakeManager() {
  const effects = fakeEffects();
  const clock = new SimulatedClock();
  const manager = createActor(
    managerMachine.provide({
      actors: { connection: connectionMachine.provide({ actors: effects.actors }) },
    }),
    { clock },
  ).start();
  const child = (id: string) => manager.system.get(connectionActorId(id)) as ConnectionActorRef;
  const advance = async (ms: number) => {
    clock.increment(ms);
    await settle();
  };
  return { manager, effects, child, advance };
}
