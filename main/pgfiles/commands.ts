import { z } from 'zod';
import { type ConnectionConfig, parseWith } from '../../machines/config.ts';
import { connectionStringPairs } from '../../machines/connection-string.ts';
import { toConnectionUrl } from '../../machines/connection-url.ts';
import { TuskError } from '../../machines/errors.ts';
import type { ImportedConnections, ParsedConnectionStringResult } from '../../machines/ipc.ts';
import { type ImportSink, importEnvironment, importServiceFiles } from './import.ts';
import type { PgFilesContext } from './locations.ts';
import { resolveParameters } from './resolve.ts';

export interface PgConventionDeps {
  context: PgFilesContext;
  sink: ImportSink;
  /** A saved connection's config, or an open ad hoc one's; null when unknown. */
  configOf(connectionId: string): Promise<ConnectionConfig | null>;
}

const TextSchema = z.string({ error: 'text must be text' });
const IdSchema = z.uuid({ error: 'connectionId must be a UUID' });
const PathSchema = z.string({ error: 'path must be text' }).min(1).optional();

/**
 * The service methods behind the IPC rows parse_connection_string, export_connection_url,
 * import_from_env and import_service_file (DESIGN.md, "PostgreSQL conventions").
 */
export function pgConventionCommands(deps: PgConventionDeps) {
  return {
    /** `service=` is resolved against the service files; PG* variables are not mixed in. */
    async parseConnectionString(text: unknown): Promise<ParsedConnectionStringResult> {
      const pairs = connectionStringPairs(parseWith(TextSchema, text, 'text'));
      const { config, password, serviceFile } = await resolveParameters(pairs, deps.context, {
        env: false,
      });
      return {
        config,
        ...(password !== undefined && { password }),
        ...(serviceFile && { serviceFile }),
      };
    },
    async exportConnectionUrl(connectionId: unknown): Promise<{ url: string }> {
      const id = parseWith(IdSchema, connectionId, 'connectionId');
      const config = await deps.configOf(id);
      if (!config) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
      return { url: toConnectionUrl(config) };
    },
    importFromEnv: (): Promise<ImportedConnections> => importEnvironment(deps.sink, deps.context),
    async importServiceFile(path?: unknown): Promise<ImportedConnections> {
      const file = parseWith(PathSchema, path, 'path');
      return importServiceFiles(deps.sink, deps.context, file);
    },
  };
}
