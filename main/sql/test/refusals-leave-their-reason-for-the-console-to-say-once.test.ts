import { expect, it } from 'vitest';
import { refusalReason } from '../../../renderer/lib/script.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor, rejection, startService } from '../../test/helpers.ts';

/*
 * main/ words a read-only refusal for readers of the message alone ("this connection is
 * read-only", where to change that); the console says those things once in its own words, and
 * shows only the reason from the message. This pins the two together on real refusals: the
 * parser's, the server's, and the server's restated.
 */
const server = sharedServer();
const table = uniqueName('ro_reason');

it("each kind of refusal leaves the console its reason alone, without main's own words", async () => {
  await server.admin().query(`create table ${table} (x int)`);
  const { service } = await startService();
  const config = configFor(server, { options: { readonly: true, poolMax: 3 } });
  await service.connect(config, { password: server.password });
  const reasonOf = async (sql: string) => {
    const error = await rejection(service.query(config.id, sql));
    expect([sql, error.code]).toEqual([sql, '25006']);
    expect(error.message).toContain('Edit → Safety');
    return refusalReason(error.message);
  };

  expect(await reasonOf(`INSERT INTO ${table} VALUES (1)`)).toBe(
    'cannot execute INSERT in a read-only transaction',
  );
  expect(await reasonOf('SET default_transaction_read_only = off')).toBe(
    'SET default_transaction_read_only = off would turn read-only off',
  );
  expect(await reasonOf(`SELECT set_config(lower('TRANSACTION_READ_ONLY'), 'off', false)`)).toBe(
    'every statement runs in a read-only transaction, which cannot be made read-write ' +
      '(transaction read-write mode must be set before any query)',
  );
});
