import { expect, it } from 'vitest';
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

it('a SET that turns read-only off is refused, and one the parser cannot see is undone before the next query', async () => {
  const config = configFor(server, { options: { readonly: true, poolMax: 2 } });
  const actor = startConnection(effects(), config, { password: server.password, actors });
  await connected(actor);
  const session = sessionOf(effects(), config);

  // poolMax 2: one control client and one pooled client, so every query meets the same backend.
  const before = await runQuery(session, 'select pg_backend_pid() as pid');
  await expect(runQuery(session, 'SET default_transaction_read_only = off')).rejects.toMatchObject({
    kind: 'QueryFailed',
    code: '25006',
  });
  // Dynamic SQL is text to the parser: the server runs it (the default may change inside a
  // read-only transaction), reports the change (ParameterStatus), and the client undoes it.
  await runQuery(session, "DO $$ BEGIN EXECUTE 'SET default_transaction_read_only = off'; END $$");
  const after = await runQuery(
    session,
    "select pg_backend_pid() as pid, current_setting('default_transaction_read_only') as ro",
  );
  expect(after.rows[0]).toEqual({ pid: before.rows[0]?.pid, ro: 'on' });
  await expect(runQuery(session, 'create temp table tusk_ro_probe (x int)')).rejects.toMatchObject({
    kind: 'QueryFailed',
    code: '25006',
  });
  // Not even an explicit read-write transaction: no SQL lifts read-only (issue 18).
  await expect(
    runQuery(session, 'BEGIN READ WRITE; create temp table tusk_rw_probe (x int); COMMIT'),
  ).rejects.toMatchObject({ kind: 'QueryFailed', code: '25006' });
  await disconnected(actor);
});
