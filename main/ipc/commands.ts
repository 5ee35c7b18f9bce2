import type { z } from 'zod';
import { validate } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import type { CommandName, CommandResult, commandArgs } from '../../machines/ipc.ts';
import type { ConnectionService } from '../service.ts';
import type { FullViews } from '../views/index.ts';

/** What a handler may use: the service, and the host's view stream for `get_views`. */
export interface CommandContext {
  service: ConnectionService;
  views: { full(): FullViews };
}

export type CommandHandler<C extends CommandName> = (
  context: CommandContext,
  args: z.output<(typeof commandArgs)[C]>,
) => Promise<CommandResult<C>>;

export type CommandTable = { readonly [C in CommandName]?: CommandHandler<C> };

/**
 * pg hands back Dates and Buffers; the browser host would send them as JSON and Electron as
 * structured clones, and the two would disagree. Every host sends this JSON form instead.
 */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The command table of DESIGN.md: each command of machines/ipc.ts and the service method it
 * calls. Args arrive already parsed by the command's strict schema (see dispatch.ts); a void
 * method answers null. A command of the contract that is not here yet (the sessions:
 * open_session, close_session, cancel) is refused by the dispatcher as not available.
 */
export const commandTable = {
  connect: async ({ service }, { config, password }) => {
    const info = await service.connect(config, { password });
    // Until the service reports the host it reached (multi-host), it can only be the config's.
    const { host, port } = validate(config);
    return { host, port, ...info };
  },
  disconnect: async ({ service }, { connectionId }) => {
    await service.disconnect(connectionId);
    return null;
  },
  retry: async ({ service }, { connectionId }) => {
    await service.retry(connectionId);
    return null;
  },
  test_connection: async ({ service }, { config, password }) =>
    plain(await service.testConnection(config, { password })),
  list_connections: ({ service }) => service.listConnections(),
  save_connection: async ({ service }, { config, password }) => {
    await service.saveConnection(config, password);
    return null;
  },
  delete_connection: async ({ service }, { connectionId }) => {
    await service.deleteConnection(connectionId);
    return null;
  },
  get_connection_status: ({ service }, { connectionId }) =>
    service.getConnectionStatus(connectionId),
  list_groups: ({ service }) => service.listGroups(),
  save_group: async ({ service }, { group }) => {
    await service.saveGroup(group);
    return null;
  },
  delete_group: async ({ service }, { groupId }) => {
    await service.deleteGroup(groupId);
    return null;
  },
  query: async ({ service }, { connectionId, sql, params, sessionId }) => {
    if (sessionId !== undefined) {
      throw new TuskError({
        kind: 'InvalidInput',
        field: 'sessionId',
        message: 'Invalid query arguments: sessionId: sessions are not available in this build',
      });
    }
    return plain(await service.query(connectionId, sql, params));
  },
  get_views: async ({ views }) => views.full(),
} satisfies CommandTable;
