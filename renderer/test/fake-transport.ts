import type {
  CommandArgs,
  CommandName,
  CommandResult,
  HostEventName,
  HostEvents,
  Transport,
} from '../../machines/ipc.ts';

type Handler<C extends CommandName> = (
  args: CommandArgs<C>,
) => CommandResult<C> | Promise<CommandResult<C>>;

/**
 * An in-memory Transport for component tests: commands go to handlers the test gives (and are
 * recorded), events are pushed by the test. End-to-end tests use the real host instead.
 */
export interface FakeTransport extends Transport {
  calls: { command: CommandName; args: unknown }[];
  handle<C extends CommandName>(command: C, handler: Handler<C>): void;
  emit<E extends HostEventName>(event: E, payload: HostEvents[E]): void;
}

export function createFakeTransport(): FakeTransport {
  const handlers = new Map<CommandName, (args: unknown) => unknown>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: FakeTransport['calls'] = [];
  return {
    calls,
    handle(command, handler) {
      handlers.set(command, handler as (args: unknown) => unknown);
    },
    async invoke(command, args) {
      calls.push({ command, args });
      const handler = handlers.get(command);
      if (!handler) throw { kind: 'InvalidInput', message: `no fake handler for ${command}` };
      return (await handler(args)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    emit(event, payload) {
      for (const l of [...(listeners.get(event) ?? [])]) l(payload);
    },
  };
}
