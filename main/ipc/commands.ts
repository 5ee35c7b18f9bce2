import type { z } from 'zod';
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
 * method answers null. A command of the contract that is not here (demo_fault, which only
 * the hosts that run the demo add) is refused by the dispatcher as not available.
 */
export const commandTable = {
  connect: ({ service }, { config, ...secrets }) => service.connect(config, secrets),
  disconnect: async ({ service }, { connectionId }) => {
    await service.disconnect(connectionId);
    return null;
  },
  retry: async ({ service }, { connectionId }) => {
    await service.retry(connectionId);
    return null;
  },
  accept_host_key: async ({ service }, { connectionId, fingerprint }) => {
    await service.acceptHostKey(connectionId, fingerprint);
    return null;
  },
  wake: async ({ service }, { connectionId }) => {
    await service.wake(connectionId);
    return null;
  },
  wake_all: async ({ service }, { cause }) => {
    service.wakeAll(cause);
    return null;
  },
  test_connection: async ({ service }, { config, ...secrets }) =>
    plain(await service.testConnection(config, secrets)),
  list_connections: ({ service }) => service.listConnections(),
  save_connection: async (
    { service },
    { config, password, sshPassword, sshPassphrase, sslPassword },
  ) => {
    await service.saveConnection(config, password, { sshPassword, sshPassphrase, sslPassword });
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
  query: async ({ service }, { connectionId, sql, params, sessionId }) =>
    plain(
      await service.query(
        connectionId,
        sql,
        params,
        sessionId === undefined ? undefined : { sessionId },
      ),
    ),
  plan_sql: ({ service }, { connectionId, sql }) => service.planSql(connectionId, sql),
  run_script: async ({ service }, { connectionId, sql, sessionId, onError }) =>
    plain(
      await service.runScript(connectionId, sql, {
        ...(sessionId !== undefined && { sessionId }),
        ...(onError !== undefined && { onError }),
      }),
    ),
  open_session: ({ service }, { connectionId }) => service.openSession(connectionId),
  close_session: async ({ service }, { sessionId }) => {
    await service.closeSession(sessionId);
    return null;
  },
  cancel: async ({ service }, { sessionId }) => {
    await service.cancel(sessionId);
    return null;
  },
  get_views: async ({ views }) => views.full(),
  get_history: ({ service }, { connectionId, since }) => service.getHistory(connectionId, since),
  list_history: ({ service }, { since }) => service.listHistory(since),
  parse_connection_string: async ({ service }, { text }) => service.parseConnectionString(text),
  export_connection_url: async ({ service }, { connectionId }) =>
    service.exportConnectionUrl(connectionId),
  import_from_env: ({ service }) => service.importFromEnv(),
  import_service_file: ({ service }, { path }) => service.importServiceFile(path),
} satisfies CommandTable;
