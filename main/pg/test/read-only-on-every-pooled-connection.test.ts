import { describe, expect, it } from 'vitest';
import { TuskError } from '../../../machines/errors.ts';
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

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the write to be refused');
    },
    (error: unknown) => error,
  );

describe('read-only', () => {
  it('refuses writes with 25006 on every pooled backend, not just the first', async () => {
    const config = configFor(server, { options: { readonly: true, poolMax: 5 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    const session = sessionOf(effects(), config);

    // Hold every pooled client at once, so each is a different physical connection.
    const pool = session.pool!;
    const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    const refused = await Promise.all(
      clients.map(async (client) => {
        const { rows } = await client.query('select pg_backend_pid() as pid');
        const error = await rejection(client.query('create table tusk_should_not_exist (x int)'));
        client.release();
        return { pid: rows[0].pid as number, code: (error as { code?: string }).code };
      }),
    );

    // Four physical connections; the server info was read on the first of them.
    const pids = new Set(refused.map((r) => r.pid));
    expect(pids.size).toBe(4);
    expect(pids).toContain(context.server?.backendPid);
    expect(refused.map((r) => r.code)).toEqual(['25006', '25006', '25006', '25006']);

    // And through the query path: a QueryFailed with the SQLSTATE, the connection unharmed.
    const errors = await Promise.all(
      Array.from({ length: 12 }, () =>
        rejection(runQuery(session, 'create table tusk_should_not_exist (x int)')),
      ),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(TuskError);
      expect(error).toMatchObject({ kind: 'QueryFailed', code: '25006' });
    }
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    await disconnected(actor);
  });
});
