import { readFile, stat } from 'node:fs/promises';
import { type ConnectionConfig, DEFAULTS } from '../../machines/config.ts';
import { type PgFilesContext, pgpassPath } from './locations.ts';

/** One line of a password file: four patterns (null = `*`) and the password. */
export interface PgpassEntry {
  host: string | null;
  port: string | null;
  database: string | null;
  user: string | null;
  password: string;
}

/** What a lookup is for: the connection's own host, port, database and user. */
export interface PgpassTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface PgpassLookup {
  password?: string;
  /** The file that was read, for "where the password came from". */
  file: string;
  /** Why the file was ignored (permissions, not a plain file); no secret in it. */
  warning?: string;
}

/**
 * Splits a line into its five fields: `:` separates, `\` escapes the next character, and the
 * password (the rest of the line) is de-escaped too, as libpq does. A field of exactly `*`
 * matches anything. Lines with fewer than five fields never match; `#` starts a comment line.
 */
export function parsePgpass(text: string): PgpassEntry[] {
  const entries: PgpassEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    const fields: { text: string; star: boolean }[] = [];
    let current = '';
    let escaped = false;
    let hadEscape = false;
    for (const c of line) {
      if (fields.length === 4) {
        // The password: everything left, with escapes removed.
        if (escaped) {
          current += c;
          escaped = false;
        } else if (c === '\\') escaped = true;
        else current += c;
        continue;
      }
      if (escaped) {
        current += c;
        escaped = false;
      } else if (c === '\\') {
        escaped = true;
        hadEscape = true;
      } else if (c === ':') {
        fields.push({ text: current, star: current === '*' && !hadEscape });
        current = '';
        hadEscape = false;
      } else current += c;
    }
    if (fields.length < 4) continue;
    const [host, port, database, user] = fields.map((f) => (f.star ? null : f.text));
    entries.push({
      host: host ?? null,
      port: port ?? null,
      database: database ?? null,
      user: user ?? null,
      password: current,
    });
  }
  return entries;
}

/**
 * The first entry that matches, as libpq's passwordFromFile: a Unix-socket host (a path) is
 * looked up as `localhost`, so a `localhost` line serves both TCP and the local socket.
 */
export function matchPgpass(entries: PgpassEntry[], target: PgpassTarget): string | undefined {
  const host = target.host.startsWith('/') || target.host === '' ? 'localhost' : target.host;
  const port = String(target.port || DEFAULTS.port);
  const fits = (pattern: string | null, value: string) => pattern === null || pattern === value;
  return entries.find(
    (e) =>
      fits(e.host, host) &&
      fits(e.port, port) &&
      fits(e.database, target.database) &&
      fits(e.user, target.user),
  )?.password;
}

/**
 * Reads the password file for each target in turn (a multi-host config tries its hosts in
 * order) and returns the first match. A missing file is no password, silently, as in libpq; a
 * file that is not a plain file, or that group or others may access, is ignored with a warning
 * (libpq: "password file has group or world access; permissions should be u=rw (0600) or less").
 */
export async function lookupPgpass(
  context: PgFilesContext,
  targets: PgpassTarget[],
  /** libpq's passfile keyword: this file instead of PGPASSFILE / ~/.pgpass. */
  passfile?: string,
): Promise<PgpassLookup> {
  const file = passfile ?? pgpassPath(context);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    return { file };
  }
  if (!info.isFile()) return { file, warning: `password file ${file} is not a plain file` };
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    return {
      file,
      warning: `password file ${file} has group or world access (mode ${mode}); permissions should be u=rw (0600) or less, so it was ignored`,
    };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { file, warning: `password file ${file} could not be read (${code})` };
  }
  const entries = parsePgpass(text);
  for (const target of targets) {
    const password = matchPgpass(entries, target);
    if (password !== undefined) return { file, password };
  }
  return { file };
}

/** What main/pg asks of the password file: a lookup for one config's hosts, database and user. */
export type PasswordFileSource = (config: ConnectionConfig) => Promise<PgpassLookup>;

/**
 * The password file as a password source. A file ignored for its permissions is reported
 * through `onWarning` once per distinct warning (by default on stderr, as libpq does), not on
 * every reconnect.
 */
export function passwordFileSource(
  context: PgFilesContext,
  onWarning: (message: string) => void = (m) => console.warn(`tusk: ${m}`),
): PasswordFileSource {
  const warned = new Set<string>();
  return async (config) => {
    const hosts = config.hosts ?? [{ host: config.host, port: config.port }];
    const lookup = await lookupPgpass(
      context,
      hosts.map((h) => ({ ...h, database: config.database, user: config.username })),
      config.passfile,
    );
    if (lookup.warning && !warned.has(lookup.warning)) {
      warned.add(lookup.warning);
      onWarning(lookup.warning);
    }
    return lookup;
  };
}
