import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { ConnectionConfig, ConnectionGroup } from '../../machines/config.ts';
import { TuskError, toErrorData } from '../../machines/errors.ts';
import type { ImportedConnections } from '../../machines/ipc.ts';
import type { PgFilesContext } from './locations.ts';
import { serviceFilePaths } from './locations.ts';
import { completeConfig, resolveParameters } from './resolve.ts';
import { readServiceFile, type ServiceEntry } from './service-file.ts';

/** The part of the service an import writes through, so imports follow its rules (keyring). */
export interface ImportSink {
  listGroups(): Promise<ConnectionGroup[]>;
  saveGroup(group: ConnectionGroup): Promise<void>;
  listConnections(): Promise<{ config: ConnectionConfig }[]>;
  /** `sslPassword`: a client key's passphrase (libpq's sslpassword), for the keyring too. */
  saveConnection(
    config: ConnectionConfig,
    password?: string,
    secrets?: { sslPassword?: string },
  ): Promise<void>;
}

/**
 * Saved connections (new or updated, in file order, no password in any), the groups they were
 * filed under (made if missing), and entries that could not be imported, with why.
 */
export type ImportResult = ImportedConnections;

/**
 * Saves one imported connection. A connection of the same name in the same group is updated in
 * place (same id), so importing a file twice does not make duplicates.
 */
async function saveImported(
  sink: ImportSink,
  existing: ConnectionConfig[],
  make: (id: string | undefined) => {
    config: ConnectionConfig;
    password?: string;
    sslPassword?: string;
  },
  name: string,
  groupId: string | undefined,
): Promise<ConnectionConfig> {
  const same = existing.find((c) => c.name === name && c.groupId === groupId);
  const { config, password, sslPassword } = make(same?.id);
  await sink.saveConnection(config, password, sslPassword === undefined ? {} : { sslPassword });
  return config;
}

async function groupNamed(sink: ImportSink, name: string): Promise<ConnectionGroup> {
  const found = (await sink.listGroups()).find((g) => g.name === name && !g.parentId);
  if (found) return found;
  const group = { id: randomUUID(), name };
  await sink.saveGroup(group);
  return group;
}

/**
 * Every service of a service file as a saved connection named after the service, in a group
 * named after the file (`.pg_service.conf`, `pg_service.conf`). Without `path`, libpq's files in
 * libpq's order, each that exists. A password in a service goes to the keyring, never the file.
 */
export async function importServiceFiles(
  sink: ImportSink,
  context: PgFilesContext,
  path?: string,
): Promise<ImportResult> {
  const result: ImportResult = { connections: [], groups: [], skipped: [] };
  for (const file of path ? [path] : serviceFilePaths(context)) {
    const services = await readServiceFile(file);
    if (services === null) {
      // libpq's own files may well be absent; a file the user named must exist.
      if (path) {
        throw new TuskError({
          kind: 'InvalidInput',
          field: 'path',
          path: file,
          message: `No service file at ${file}`,
        });
      }
      continue;
    }
    if (services.length === 0) continue;
    const group = await groupNamed(sink, basename(file));
    result.groups.push(group);
    const existing = (await sink.listConnections()).map((c) => c.config);
    for (const service of services) {
      try {
        result.connections.push(await importService(sink, existing, service, group, context));
      } catch (error) {
        result.skipped.push({ name: service.name, error: toErrorData(error) });
      }
    }
  }
  return result;
}

async function importService(
  sink: ImportSink,
  existing: ConnectionConfig[],
  service: ServiceEntry,
  group: ConnectionGroup,
  context: PgFilesContext,
): Promise<ConnectionConfig> {
  const parsed = await resolveParameters(service.parameters, context, { env: false });
  return saveImported(
    sink,
    existing,
    (id) => ({
      config: completeConfig(parsed, {
        name: service.name,
        env: context.env,
        groupId: group.id,
        ...(id && { id }),
      }),
      ...(parsed.password !== undefined && { password: parsed.password }),
      ...(parsed.sslPassword !== undefined && { sslPassword: parsed.sslPassword }),
    }),
    service.name,
    group.id,
  );
}

/**
 * The PG* environment (and PGSERVICE's service) as one saved connection, named
 * `user@host/database`; PGPASSWORD goes to the keyring, never the file.
 */
export async function importEnvironment(
  sink: ImportSink,
  context: PgFilesContext,
): Promise<ImportResult> {
  const parsed = await resolveParameters([], context, { env: true });
  const probe = completeConfig(parsed, { name: 'PG environment', env: context.env });
  const name = `${probe.username}@${probe.host}/${probe.database}`;
  const existing = (await sink.listConnections()).map((c) => c.config);
  const config = await saveImported(
    sink,
    existing,
    (id) => ({
      config: completeConfig(parsed, { name, env: context.env, ...(id && { id }) }),
      ...(parsed.password !== undefined && { password: parsed.password }),
      ...(parsed.sslPassword !== undefined && { sslPassword: parsed.sslPassword }),
    }),
    name,
    undefined,
  );
  return { connections: [config], groups: [], skipped: [] };
}
