import { afterAll, inject } from 'vitest';
import type { SharedPgFacts } from './global-setup.ts';
import { createAdmin, type PgAdmin } from './pg-admin.ts';

export { uniqueName } from './pg-admin.ts';

export type SharedServer = SharedPgFacts & PgAdmin;

/**
 * The run's shared server (see global-setup.ts) with admin helpers. Call it at the top of a test
 * file or in a `describe`: it closes its admin pool in `afterAll`. Other files use the same
 * server at the same time, so name databases and roles with `uniqueName()` and filter
 * `backends()` / `terminate()` by something only this file uses, such as an application name.
 */
export function sharedServer(): SharedServer {
  const facts = inject('pg');
  const { close, ...admin } = createAdmin(() => facts);
  afterAll(close);
  return { ...facts, ...admin };
}
