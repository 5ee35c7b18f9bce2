import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Plain facts a pg client needs to reach a test server as its superuser. */
export type PgFacts = {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  database: string;
};

export type BackendFilter = { applicationName?: string; database?: string; user?: string };

/** One client backend from `pg_stat_activity`. */
export type Backend = {
  pid: number;
  application_name: string;
  datname: string | null;
  usename: string | null;
  state: string | null;
  query: string;
  backend_type: 'client backend';
};

export type PgAdmin = {
  /** The superuser's pool, created on first use. Its own backends never show in `backends()`. */
  admin(): pg.Pool;
  createDatabase(name: string): Promise<void>;
  createRole(name: string, password: string, opts?: { superuser?: boolean }): Promise<void>;
  /** Client backends matching every given field; `{}` means all of them. */
  backends(filter?: BackendFilter): Promise<Backend[]>;
  /**
   * Terminates the matching backends and waits until each has exited, so the next
   * `backends()` no longer lists them. Returns their pids. An empty filter is refused: on the
   * shared server it would kill every other test's connections.
   */
  terminate(filter: BackendFilter): Promise<number[]>;
};

/** Marks the harness's own connections so backend counts in tests see only the code under test. */
export const HARNESS_APPLICATION_NAME = 'tusk-harness';

/** A lower-case name no other test file will pick: databases and roles are shared per server. */
export function uniqueName(prefix = 'tusk'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

const BACKENDS_SQL = `
  select pid, application_name, datname, usename, state, query, backend_type
  from pg_stat_activity
  where backend_type = 'client backend'
    and application_name is distinct from $1
    and ($2::text is null or application_name = $2)
    and ($3::text is null or datname = $3)
    and ($4::text is null or usename = $4)
  order by pid`;

export function createAdmin(facts: () => PgFacts): PgAdmin & { close(): Promise<void> } {
  let pool: pg.Pool | undefined;

  const admin = (): pg.Pool => {
    if (pool) return pool;
    const { host, port, user, password, database } = facts();
    pool = new pg.Pool({
      host,
      port,
      user,
      password,
      database,
      application_name: HARNESS_APPLICATION_NAME,
      max: 4,
      allowExitOnIdle: true,
    });
    // Idle admin clients die whenever a test stops the server; the next query reconnects.
    pool.on('error', () => {});
    return pool;
  };

  const params = (filter: BackendFilter) => [
    HARNESS_APPLICATION_NAME,
    filter.applicationName ?? null,
    filter.database ?? null,
    filter.user ?? null,
  ];

  return {
    admin,
    async createDatabase(name) {
      await admin().query(`create database ${pg.escapeIdentifier(name)}`);
    },
    async createRole(name, password, opts = {}) {
      const superuser = opts.superuser ? ' superuser' : '';
      await admin().query(
        `create role ${pg.escapeIdentifier(name)} login${superuser} password ${pg.escapeLiteral(password)}`,
      );
    },
    async backends(filter = {}) {
      return (await admin().query<Backend>(BACKENDS_SQL, params(filter))).rows;
    },
    async terminate(filter) {
      if (Object.values(filter).every((v) => v === undefined)) {
        throw new Error('terminate() needs a filter: applicationName, database or user');
      }
      const { rows } = await admin().query<{ pid: number; gone: boolean }>(
        `select pid, pg_terminate_backend(pid, 5000) as gone from (${BACKENDS_SQL}) b`,
        params(filter),
      );
      // `false` also means the backend left on its own in the meantime: only live ones count.
      const unsure = rows.filter((r) => !r.gone).map((r) => r.pid);
      if (unsure.length > 0) {
        const alive = await admin().query('select pid from pg_stat_activity where pid = any($1)', [
          unsure,
        ]);
        if (alive.rowCount) throw new Error(`backends alive 5 s after terminate: ${unsure}`);
      }
      return rows.map((r) => r.pid);
    },
    async close() {
      const ending = pool;
      pool = undefined;
      await ending?.end();
    },
  };
}
