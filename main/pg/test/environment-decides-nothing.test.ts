import { afterEach, describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  sessionOf,
  startConnection,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

/**
 * What libpq's users keep in their shell: node-postgres reads these for whatever a client's
 * config leaves unset. A Tusk session must run with its saved config and nothing else.
 */
const ENVIRONMENT = {
  PGOPTIONS: '-c statement_timeout=1234 -c search_path=nowhere',
  PGREPLICATION: 'database',
  PGSSLNEGOTIATION: 'direct',
};
const saved = Object.fromEntries(Object.keys(ENVIRONMENT).map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('PG* environment variables', () => {
  it('change nothing in a session whose config sets no options, with TLS off', async () => {
    Object.assign(process.env, ENVIRONMENT);
    const config = configFor(server, { sslMode: 'disable' });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    // PGSSLNEGOTIATION=direct without TLS would make pg refuse to connect at all.
    await connected(actor);
    const session = sessionOf(effects(), config);
    const { rows } = await runQuery(
      session,
      `select current_setting('statement_timeout') as timeout,
        current_setting('search_path') as path,
        (select backend_type from pg_stat_activity where pid = pg_backend_pid()) as type`,
    );
    // Not PGOPTIONS' 1234 ms and search path; an ordinary backend, not a walsender.
    expect(rows).toEqual([{ timeout: '0', path: '"$user", public', type: 'client backend' }]);
    await disconnected(actor);
  });
});
