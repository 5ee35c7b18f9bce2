import { describe, expect, it } from 'vitest';
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

describe("libpq's options carry any startup option", () => {
  it('reach the server, while read-only and the statement timeout still win on every connection', async () => {
    const config = configFor(server, {
      options: {
        readonly: true,
        statementTimeoutMs: 1234,
        poolMax: 2,
        // What a user (or a provider's string) may put there, contradicting the guarantees.
        startupOptions:
          '-c search_path=tusk_app,public -c default_transaction_read_only=off -c statement_timeout=0',
      },
    });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const { rows } = await runQuery(
      sessionOf(effects(), config),
      "select current_setting('search_path') as path, current_setting('default_transaction_read_only') as ro, current_setting('statement_timeout') as timeout",
    );
    expect(rows[0]).toEqual({ path: 'tusk_app,public', ro: 'on', timeout: '1234ms' });
    await expect(
      runQuery(sessionOf(effects(), config), 'create temporary table t (x int)'),
    ).rejects.toMatchObject({ code: '25006' });
    await disconnected(actor);
  });
});
