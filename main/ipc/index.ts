export {
  type CommandContext,
  type CommandHandler,
  type CommandTable,
  commandTable,
} from './commands.ts';
export { createDispatcher, type Dispatch, runCommand } from './dispatch.ts';
export { addCommandHandlers } from './handlers.ts';
