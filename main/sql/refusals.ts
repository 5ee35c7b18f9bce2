/**
 * What a read-only connection refuses before a statement runs. The read-only transaction every
 * statement runs in (read-only.ts) is the guarantee that no row of this database is written;
 * these are the things such a transaction still lets through that change something anyway, and
 * the statements that ask to turn read-only off (the server refuses or undoes those as well, but
 * a plain "this connection is read-only" is what the user needs to read).
 *
 * What the parser cannot see: the body of an existing function or procedure (one that calls
 * dblink_exec, or EXECUTEs dynamic SQL) and text built at run time. Those still run inside the
 * read-only transaction, so they cannot write here; a dblink call inside one can write elsewhere.
 */

import { READ_ONLY_WORDS } from '../../machines/sql-plan.ts';

type Node = Record<string, unknown>;

/** Functions that open their own sessions (writing there, or here) or stop others' work. */
const refusedFunctions: Record<string, string> = {
  dblink: 'dblink() opens its own session, which is not read-only',
  dblink_exec: 'dblink_exec() runs SQL in its own session, which is not read-only',
  dblink_send_query: 'dblink_send_query() runs SQL in its own session, which is not read-only',
  pg_terminate_backend: "pg_terminate_backend() ends another session's work",
  pg_cancel_backend: "pg_cancel_backend() cancels another session's statement",
  lo_export: 'lo_export() writes a file on the server',
  pg_file_write: 'pg_file_write() writes a file on the server',
};

const readOnlySettings = new Set(['transaction_read_only', 'default_transaction_read_only']);

const lockModes = [
  '',
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

const funcName = (call: Node): string => {
  const names = (call.funcname ?? []) as { String?: { sval?: string } }[];
  return (names[names.length - 1]?.String?.sval ?? '').toLowerCase();
};

const constText = (node: unknown): string | undefined =>
  (node as { A_Const?: { sval?: { sval?: string } } } | undefined)?.A_Const?.sval?.sval ??
  undefined;

/** Every FuncCall anywhere in the tree (targets, FROM, WHERE, CTEs, subqueries, CALL, ...). */
function* funcCalls(value: unknown): Generator<Node> {
  if (Array.isArray(value)) {
    for (const item of value) yield* funcCalls(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Node)) {
    if (key === 'FuncCall') yield child as Node;
    yield* funcCalls(child);
  }
}

/** `READ WRITE` in BEGIN / SET TRANSACTION / SET SESSION CHARACTERISTICS: transaction_read_only 0. */
const asksReadWrite = (options: unknown): boolean =>
  Array.isArray(options) &&
  options.some((o) => {
    const def = (o as { DefElem?: Node }).DefElem;
    if (def?.defname !== 'transaction_read_only') return false;
    const ival = (def.arg as { A_Const?: { ival?: { ival?: number } } } | undefined)?.A_Const?.ival;
    return (ival?.ival ?? 0) === 0;
  });

const isOnWord = (word: string | undefined) =>
  word !== undefined && ['on', 'true', 'yes', '1', 't', 'y'].includes(word.toLowerCase());

/** Why a read-only connection refuses this statement, or undefined if it may run. */
export function readOnlyRefusal(stmt: Node): string | undefined {
  const type = Object.keys(stmt)[0] ?? '';
  const node = (stmt[type] ?? {}) as Node;
  if (type === 'CopyStmt' && node.is_from !== true) {
    if (node.is_program) return 'COPY ... TO PROGRAM runs a program on the server';
    if (typeof node.filename === 'string') return 'COPY ... TO a file writes a file on the server';
  }
  if (type === 'LockStmt' && Number(node.mode ?? 1) > 1) {
    return `LOCK ... IN ${lockModes[Number(node.mode)] ?? 'a strong'} MODE blocks other sessions' work (only ACCESS SHARE is allowed)`;
  }
  if (type === 'TransactionStmt' && asksReadWrite(node.options)) {
    return 'a READ WRITE transaction is not allowed';
  }
  if (type === 'VariableSetStmt') {
    const name = String(node.name ?? '').toLowerCase();
    if (node.kind === 'VAR_SET_MULTI' && asksReadWrite(node.args)) {
      return 'a READ WRITE transaction is not allowed';
    }
    if (node.kind === 'VAR_SET_VALUE' && readOnlySettings.has(name)) {
      const args = (node.args ?? []) as unknown[];
      const value =
        constText(args[0]) ??
        String((args[0] as { A_Const?: { ival?: { ival?: number } } }).A_Const?.ival?.ival ?? 0);
      if (!isOnWord(value)) return `SET ${name} = ${value} would turn read-only off`;
    }
  }
  if (type === 'DoStmt') {
    const body = ((node.args ?? []) as { DefElem?: Node }[])
      .map((a) => (a.DefElem?.arg as { String?: { sval?: string } } | undefined)?.String?.sval)
      .join(' ');
    if (/\bdblink/i.test(body)) return 'the DO block calls dblink, which opens its own session';
  }
  for (const call of funcCalls(node)) {
    const name = funcName(call);
    const reason = refusedFunctions[name];
    if (reason) return reason;
    if (name === 'set_config') {
      const setting = constText(((call.args ?? []) as unknown[])[0])?.toLowerCase();
      if (setting && readOnlySettings.has(setting)) {
        return `set_config('${setting}', ...) would turn read-only off`;
      }
    }
  }
  return undefined;
}

/** The message of a refused statement (SQLSTATE 25006, as the server's own read-only refusal). */
export const refusalMessage = (reason: string): string =>
  `${READ_ONLY_WORDS.prefix}${reason}. ${READ_ONLY_WORDS.notRun} ${READ_ONLY_WORDS.whereToChange}`;

/**
 * The server's answers, said for a read-only connection: a refused write (25006) says where to
 * change that; a switch to read-write after the snapshot (25001, "transaction read-write mode
 * must be set before any query") is the same refusal; a COMMIT inside a DO block or procedure
 * (2D000) is impossible in the transaction every statement runs in. The pg error is kept (its
 * class decides how the query path treats it), with code and message restated.
 */
export function explainReadOnly(error: unknown): unknown {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown } | null;
  if (!e || typeof e.message !== 'string' || typeof e.severity !== 'string') return error;
  const { prefix, suffix, whereToChange } = READ_ONLY_WORDS;
  if (e.code === '25006') {
    e.message = `${e.message}${suffix} ${whereToChange}`;
  } else if (e.code === '25001' && /read-write mode must be set/.test(e.message)) {
    e.code = '25006';
    e.message =
      `${prefix}every statement runs in a read-only transaction, which ` +
      `cannot be made read-write (${e.message}). ${whereToChange}`;
  } else if (e.code === '2D000') {
    e.code = '25006';
    e.message =
      `${prefix}every statement runs in a read-only transaction, so a ` +
      `DO block or procedure cannot commit or roll back inside it (${e.message}). ${whereToChange}`;
  }
  return error;
}
