import { TuskError } from '../../machines/errors.ts';
import type { CommandName, Reply, Transport } from '../../machines/ipc.ts';

/** A reply as the command's result, or its error rethrown as the TuskError it was. */
export function unwrap(reply: Reply): unknown {
  if (reply.ok) return reply.result;
  throw TuskError.fromJSON(reply.error);
}

/**
 * The renderer side's one helper: a raw "send this command, get its reply" becomes the typed
 * `invoke` of the contract. Both transports are this plus their own wire.
 */
export function typedInvoke(
  call: (command: CommandName, args: unknown) => Promise<Reply>,
): Transport['invoke'] {
  return (async (command: CommandName, args: unknown) =>
    unwrap(await call(command, args))) as Transport['invoke'];
}
