import { readFile } from 'node:fs/promises';
import type { ConnectionParameter } from '../../machines/connection-string.ts';
import { TuskError } from '../../machines/errors.ts';
import { type PgFilesContext, serviceFilePaths } from './locations.ts';

/** One `[name]` section of a service file, its keyword/value lines in order. */
export interface ServiceEntry {
  name: string;
  parameters: ConnectionParameter[];
}

const syntax = (path: string, line: number, what: string) =>
  new TuskError({
    kind: 'InvalidInput',
    field: 'service',
    path,
    message: `Syntax error in service file ${path}, line ${line}: ${what}`,
  });

/**
 * libpq's service file format (pg_service.conf): `[name]` starts a service, then `key=value`
 * lines; blank lines and `#` comments are skipped, and whitespace around each line is not part
 * of it. A value is the rest of the line after the first `=`, unquoted. A line outside any
 * section, a line without `=`, and `service=` inside a service (libpq: "nested service
 * specifications not supported") are errors naming the file and line.
 */
export function parseServiceFile(text: string, path: string): ServiceEntry[] {
  const services: ServiceEntry[] = [];
  let current: ServiceEntry | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const n = index + 1;
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw syntax(path, n, `"${line}" has no closing "]"`);
      current = { name: line.slice(1, -1).trim(), parameters: [] };
      services.push(current);
      return;
    }
    const eq = line.indexOf('=');
    // The line is not echoed: it may be a password with its "=" missing.
    if (eq < 0) throw syntax(path, n, 'not a key=value line');
    if (!current) throw syntax(path, n, 'a setting before the first [service]');
    const key = line.slice(0, eq).trim();
    if (key === 'service') throw syntax(path, n, 'nested service specifications not supported');
    (current as ServiceEntry).parameters.push([key, line.slice(eq + 1).trim()]);
  });
  return services;
}

/** A service file that exists, read and parsed; null when there is none at `path`. */
export async function readServiceFile(path: string): Promise<ServiceEntry[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TuskError(
      {
        kind: 'InvalidInput',
        field: 'service',
        path,
        message: `Cannot read the service file ${path} (${(error as NodeJS.ErrnoException).code})`,
      },
      { cause: error },
    );
  }
  return parseServiceFile(text, path);
}

/**
 * The parameters of service `name`, from the first file (in libpq's order) that defines it;
 * libpq's error when none does.
 */
export async function resolveService(
  name: string,
  context: PgFilesContext,
): Promise<{ parameters: ConnectionParameter[]; path: string }> {
  const paths = serviceFilePaths(context);
  for (const path of paths) {
    const found = (await readServiceFile(path))?.find((s) => s.name === name);
    if (found) return { parameters: found.parameters, path };
  }
  throw new TuskError({
    kind: 'InvalidInput',
    field: 'service',
    message: `Definition of service "${name}" not found (looked in ${paths.join(', ')})`,
  });
}
