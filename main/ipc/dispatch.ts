import { parseWith } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import { type CommandName, commandArgs, type Reply } from '../../machines/ipc.ts';
import { type CommandContext, type CommandTable, commandTable } from './commands.ts';

export type Dispatch = (command: string, args: unknown) => Promise<unknown>;

const isCommand = (name: string): name is CommandName => Object.hasOwn(commandArgs, name);

/** Names come from the untrusted side: never echo one whole. */
const quoted = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);

const refuse = (field: string, message: string) =>
  new TuskError({ kind: 'InvalidInput', field, message });

/**
 * The one way into the service from a host: the command must be in the contract and bound in
 * the table, its args (none means `{}`) must pass the command's strict schema, and only then
 * does the handler run. Throws TuskError; `runCommand` turns the outcome into a reply.
 */
export function createDispatcher(context: CommandContext, table: CommandTable = commandTable) {
  return async function dispatch(command: string, args: unknown): Promise<unknown> {
    if (typeof command !== 'string' || !isCommand(command)) {
      throw refuse('command', `Unknown command ${quoted(String(command))}`);
    }
    const handler = table[command] as
      | ((context: CommandContext, args: unknown) => Promise<unknown>)
      | undefined;
    if (!handler) throw refuse('command', `The command ${command} is not available in this build`);
    const parsed = parseWith(commandArgs[command], args ?? {}, `${command} arguments`);
    return handler(context, parsed);
  } satisfies Dispatch;
}

/**
 * A dispatch as a reply: a TuskError crosses as its JSON; anything else is a bug of ours, logged
 * here and sent as a generic error, since its message and stack are internals.
 */
export async function runCommand(
  dispatch: Dispatch,
  command: string,
  args: unknown,
): Promise<Reply> {
  try {
    return { ok: true, result: (await dispatch(command, args)) ?? null };
  } catch (error) {
    if (error instanceof TuskError) return { ok: false, error: error.toJSON() };
    console.error(`tusk: the ${quoted(String(command))} command failed unexpectedly:`, error);
    return {
      ok: false,
      error: { kind: 'ConnectionFailed', message: 'The host failed unexpectedly; see its log' },
    };
  }
}
