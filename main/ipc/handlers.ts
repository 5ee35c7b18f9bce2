import { type CommandName, commandArgs, type Reply } from '../../machines/ipc.ts';
import { type Dispatch, runCommand } from './dispatch.ts';

/**
 * The host side's one registration helper: hands `add` a reply-producing handler for every
 * command of the contract. Commands the table does not bind are registered too, so a caller
 * gets the dispatcher's clear "not available" rather than a transport's "no handler".
 */
export function addCommandHandlers(
  dispatch: Dispatch,
  add: (command: CommandName, handle: (args: unknown) => Promise<Reply>) => void,
): void {
  for (const command of Object.keys(commandArgs) as CommandName[]) {
    add(command, (args) => runCommand(dispatch, command, args));
  }
}
