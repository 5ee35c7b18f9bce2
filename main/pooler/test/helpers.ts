import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { type PgBouncer, type PoolMode, startPgBouncer } from '../../../test/harness/pgbouncer.ts';
import { type SharedServer, sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor, type Patch } from '../../test/helpers.ts';

/**
 * A PgBouncer of this file's own in front of the shared server, and a role and database of its
 * own behind it (the role owns the database, so it can make tables there; it is no superuser,
 * so nothing it does bypasses read-only). Started once per describe block, disposed after it.
 */
export interface PoolerFixture {
  readonly server: SharedServer;
  readonly bouncer: PgBouncer;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** A service config that connects through the pooler as the role. */
  config(patch?: Patch): ReturnType<typeof configFor>;
  /** A plain pg client through the pooler as the role (for a second, unrelated client). */
  client(): Promise<pg.Client>;
  /** A plain pg client straight to PostgreSQL as the role (to see what really happened). */
  direct(): Promise<pg.Client>;
}

export function poolerPerFile(
  poolMode: PoolMode,
  settings: Record<string, string | number> = {},
): PoolerFixture {
  const server = sharedServer();
  const user = uniqueName('tusk_pgb');
  const database = uniqueName('tusk_pgb');
  const password = randomBytes(12).toString('base64url');
  let bouncer: PgBouncer | undefined;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    await server.createRole(user, password);
    await server.admin().query(`create database ${database} owner ${user}`);
    bouncer = await startPgBouncer({
      target: server,
      poolMode,
      users: { [user]: password },
      settings,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await bouncer?.dispose();
  });

  const open = async (port: number) => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user,
      password,
      database,
      application_name: 'tusk-harness',
    });
    client.on('error', () => undefined);
    clients.push(client);
    await client.connect();
    return client;
  };

  return {
    server,
    get bouncer() {
      if (!bouncer) throw new Error('the pooler starts in beforeAll');
      return bouncer;
    },
    user,
    password,
    database,
    config(patch = {}) {
      const b = this.bouncer;
      return configFor(
        { host: b.host, port: b.port, user, database },
        { passwordInKeyring: false, ...patch },
      );
    },
    client() {
      return open(this.bouncer.port);
    },
    direct() {
      return open(server.port);
    },
  };
}

/** Backends on the real server in this fixture's database running a statement that contains `marker`. */
export async function running(fixture: PoolerFixture, marker: string): Promise<number> {
  const { rows } = await fixture.server
    .admin()
    .query(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and state = 'active' and query like $2",
      [fixture.database, `%${marker}%`],
    );
  return rows[0].n as number;
}

export const bouncerModes = ['session', 'transaction'] as const satisfies PoolMode[];
