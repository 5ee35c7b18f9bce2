import { expect } from 'vitest';
import type { ConnectionService } from '../../service.ts';
import { rejection } from '../../test/helpers.ts';

/**
 * The SQL of issue 18 that says something about its own read-only mode, and more that only the
 * server's rules can stop (text the parser cannot read: dynamic SQL, an expression as the
 * setting's name). Each is a list of statements: sent as one call (joined), and as a sequence
 * of calls in a console session. `lift` is a procedure that turns read-only off, commits and
 * inserts; `table` has one int column `x`.
 */
export interface Escape {
  name: string;
  statements: string[];
  /** The SQLSTATE the whole text fails with as one call: 25006 unless the server says otherwise. */
  code?: string;
}

export function escapes(table: string, lift: string): Escape[] {
  const insert = (n: number) => `INSERT INTO ${table} VALUES (${n})`;
  return [
    { name: 'BEGIN READ WRITE', statements: ['BEGIN READ WRITE', insert(1), 'COMMIT'] },
    {
      name: 'START TRANSACTION READ WRITE',
      statements: ['START TRANSACTION READ WRITE', insert(2), 'COMMIT'],
    },
    {
      name: 'SET TRANSACTION READ WRITE',
      statements: ['BEGIN', 'SET TRANSACTION READ WRITE', insert(3), 'COMMIT'],
    },
    {
      name: 'SET transaction_read_only',
      statements: ['SET transaction_read_only = off', insert(4)],
    },
    {
      name: 'SET SESSION CHARACTERISTICS',
      statements: ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'COMMIT', insert(5)],
    },
    {
      name: 'set_config',
      statements: [
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        'COMMIT',
        insert(6),
      ],
    },
    {
      name: 'DO that commits',
      statements: [
        `DO $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); COMMIT; ${insert(7)}; END $$`,
      ],
    },
    { name: 'CALL that commits', statements: [`CALL ${lift}()`] },
    {
      name: "pg_dumpall's preamble",
      statements: [
        '--\n-- PostgreSQL database cluster dump\n--\n\nSET default_transaction_read_only = off',
        "SET client_encoding = 'UTF8'",
        'SET standard_conforming_strings = on',
        '\\connect postgres',
        'COMMIT',
        insert(9),
      ],
    },
    {
      name: 'dynamic SET TRANSACTION READ WRITE',
      statements: [`DO $$ BEGIN EXECUTE 'SET TRANSACTION READ WRITE'; ${insert(10)}; END $$`],
    },
    {
      name: 'set_config of a computed name',
      statements: [`SELECT set_config(lower('TRANSACTION_READ_ONLY'), 'off', true)`, insert(11)],
    },
    {
      name: 'dynamic default, then COMMIT',
      statements: [
        `DO $$ BEGIN EXECUTE 'SET default_transaction_read_only = off'; END $$`,
        'COMMIT',
        insert(12),
      ],
    },
    {
      name: 'COMMIT AND CHAIN',
      statements: [
        'BEGIN',
        'COMMIT AND CHAIN',
        `SELECT set_config(lower('TRANSACTION_READ_ONLY'), 'off', true)`,
        insert(13),
        'COMMIT',
      ],
    },
    {
      name: 'RESET after a dynamic default',
      statements: [
        'BEGIN',
        `DO $$ BEGIN EXECUTE 'SET default_transaction_read_only = off'; END $$`,
        'RESET transaction_read_only',
        insert(15),
        'COMMIT',
      ],
      // "cannot set transaction read-write mode ..." has no better code than this one.
      code: '0A000',
    },
    {
      name: 'savepoint rolled back',
      statements: ['BEGIN', 'SAVEPOINT a', 'ROLLBACK TO SAVEPOINT a', insert(16), 'COMMIT'],
    },
    {
      name: 'data-modifying CTE',
      statements: [`WITH w AS (${insert(14)} RETURNING x) SELECT * FROM w`],
    },
    // Lone SELECTs, which a direct connection sends unwrapped (read-only.ts's fast lane).
    {
      name: 'set_config of a computed default, then INSERT',
      statements: [
        `SELECT set_config(lower('DEFAULT_TRANSACTION_READ_ONLY'), 'off', false)`,
        insert(17),
      ],
    },
    { name: 'SELECT of a function that commits', statements: [`SELECT ${lift}_commit()`] },
    { name: 'SELECT of a function that asks for read-write', statements: [`SELECT ${lift}_rw()`] },
    {
      name: 'SELECT of a function that turns the default off, then INSERT',
      statements: [`SELECT ${lift}_default()`, insert(20)],
    },
    {
      // The second SELECT would write if it went unwrapped while the default was still off.
      name: 'SELECT of a function that turns the default off, then one that inserts',
      statements: [`SELECT ${lift}_default()`, `SELECT ${lift}_insert()`],
    },
    {
      // With standard_conforming_strings off the server reads `\'` as a quote inside the
      // string: to it the string ends at the next line's quote and four statements follow; to
      // the parser (always on) it is one SELECT of two adjacent literals, one string.
      name: 'a SELECT the server splits (standard_conforming_strings off)',
      statements: [
        'SET standard_conforming_strings = off',
        `SELECT 'x\\'\n' ; SET default_transaction_read_only = off; COMMIT; ${insert(21)}; SELECT 1 --'`,
      ],
      code: '42601',
    },
  ];
}

/** The procedure and functions `escapes` calls, as their owner creates them (one text). */
export const liftProcedure = (table: string, lift: string) =>
  `create procedure ${lift}() language plpgsql as $$
   begin
     perform set_config('default_transaction_read_only', 'off', false);
     commit;
     insert into ${table} values (8);
   end $$;
   create function ${lift}_commit() returns int language plpgsql as $$
   begin
     perform set_config('default_transaction_read_only', 'off', false);
     commit;
     insert into ${table} values (18);
     return 1;
   end $$;
   create function ${lift}_rw() returns int language plpgsql as $$
   begin
     execute 'SET TRANSACTION READ WRITE';
     insert into ${table} values (19);
     return 1;
   end $$;
   create function ${lift}_default() returns int language plpgsql as $$
   begin
     perform set_config('default_transaction_read_only', 'off', false);
     return 1;
   end $$;
   create function ${lift}_insert() returns int language plpgsql as $$
   begin
     insert into ${table} values (22);
     return 1;
   end $$`;

/**
 * Runs every escape against a read-only connection, as one call and as a session's sequence of
 * calls, and checks after each: no row written (`rows`, counted on the server through another
 * connection), and the connection still reads.
 */
export async function tryEveryEscape(
  service: ConnectionService,
  connectionId: string,
  list: Escape[],
  rows: () => Promise<number>,
): Promise<void> {
  const stillReads = async () => {
    const read = await service.query(connectionId, "select 'still reads' as r");
    expect(read.rows).toEqual([{ r: 'still reads' }]);
  };
  for (const { name, statements, code = '25006' } of list) {
    const whole = await rejection(service.query(connectionId, statements.join(';\n')));
    expect([name, whole.code, whole.message]).toEqual([name, code, expect.any(String)]);
    expect([name, await rows()]).toEqual([name, 0]);
    await stillReads();

    const { sessionId } = await service.openSession(connectionId);
    for (const statement of statements) {
      await service.query(connectionId, statement, [], { sessionId }).catch(() => undefined);
    }
    expect([`${name} (session)`, await rows()]).toEqual([`${name} (session)`, 0]);
    const read = await service.query(connectionId, 'select 1 as one', [], { sessionId });
    expect(read.rows).toEqual([{ one: 1 }]);
    await service.closeSession(sessionId);
    await stillReads();
  }
}
