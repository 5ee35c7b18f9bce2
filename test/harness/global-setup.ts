import type { TestProject } from 'vitest/node';
import type { PgFacts } from './pg-admin.ts';
import { startPostgres } from './postgres.ts';
import { makeTlsFixtures } from './tls.ts';

/** What test files get from `inject('pg')`: the shared server, reachable with or without TLS. */
export type SharedPgFacts = PgFacts & { caFile: string };

declare module 'vitest' {
  export interface ProvidedContext {
    pg: SharedPgFacts;
  }
}

/**
 * One server for every file of the project, TLS on so TLS tests need no server of their own.
 * Tests that stop a server start their own with `startPostgres()`.
 */
export default async function setup(project: TestProject) {
  const tls = await makeTlsFixtures();
  try {
    const server = await startPostgres({ ssl: tls });
    const { host, port, user, password, database } = server;
    project.provide('pg', { host, port, user, password, database, caFile: tls.caFile });
    return async () => {
      await server.dispose();
      await tls.dispose();
    };
  } catch (error) {
    await tls.dispose();
    throw error;
  }
}
