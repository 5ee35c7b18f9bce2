import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Where libpq's files are, as libpq finds them: from the environment and the home directory.
 * Injected everywhere so tests run in temp homes and never read the real `~`.
 */
export interface PgFilesContext {
  env: NodeJS.ProcessEnv;
  home: string;
}

export const defaultPgFilesContext = (): PgFilesContext => ({ env: process.env, home: homedir() });

const set = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value;

/** `PGPASSFILE`, else `~/.pgpass`. */
export const pgpassPath = ({ env, home }: PgFilesContext): string =>
  set(env.PGPASSFILE) ?? join(home, '.pgpass');

/**
 * The service files in libpq's order: the user's (`PGSERVICEFILE`, else `~/.pg_service.conf`),
 * then the system one, `PGSYSCONFDIR/pg_service.conf` (Debian's libpq looks in
 * /etc/postgresql-common without PGSYSCONFDIR). The first file naming a service wins.
 */
export const serviceFilePaths = ({ env, home }: PgFilesContext): string[] => [
  set(env.PGSERVICEFILE) ?? join(home, '.pg_service.conf'),
  join(set(env.PGSYSCONFDIR) ?? '/etc/postgresql-common', 'pg_service.conf'),
];

/** libpq's default user; userInfo() throws for a uid without a passwd entry (containers). */
export function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return set(env.USER) ?? 'postgres';
  }
}
