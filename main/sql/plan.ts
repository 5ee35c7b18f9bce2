import { loadModule, parseSync } from 'libpg-query';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { PlannedStatement, ScriptPlan } from '../../machines/sql-plan.ts';
import { changes, commandTag, unfiltered } from './classify.ts';
import { byteToIndex, codePointToIndex } from './offsets.ts';
import { readOnlyRefusal } from './refusals.ts';

/**
 * Splits a script into statements with the real PostgreSQL parser (libpg-query, the PostgreSQL
 * 18 grammar, WASM) and classifies each one. Its locations are UTF-8 byte offsets; every offset
 * here is mapped to the script as a JavaScript string. psql meta-commands (`\connect`, which
 * pg_dumpall writes) are no SQL: they become statements of their own that are always refused,
 * naming their line, rather than a syntax error.
 */

let loading: Promise<void> | null = null;
let loaded = false;

/** Loads the parser's WASM module once; planning needs it. */
export function parserReady(): Promise<void> {
  loading ??= loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

/** A statement as the parser sees it, before the connection decides what to refuse. */
interface Parsed extends PlannedStatement {
  readOnlyRefusal?: string;
}

interface ParsedScript {
  statements: Parsed[];
  error?: TuskErrorData;
  /** The plans for a read-write and a read-only connection, made once. */
  plans?: { readWrite?: ScriptPlan; readOnly?: ScriptPlan };
}

/** The plan of a script for a connection that is read-only or not. */
export async function planScript(sql: string, readonly: boolean): Promise<ScriptPlan> {
  if (!loaded) await parserReady();
  return forConnection(parsed(sql), readonly);
}

/** planScript once the parser is loaded (the query path's synchronous fast lane). */
export function planScriptSync(sql: string, readonly: boolean): ScriptPlan | null {
  return loaded ? forConnection(parsed(sql), readonly) : null;
}

function forConnection(script: ParsedScript, readonly: boolean): ScriptPlan {
  script.plans ??= {};
  const key = readonly ? 'readOnly' : 'readWrite';
  script.plans[key] ??= makePlan(script, readonly);
  return script.plans[key];
}

function makePlan(script: ParsedScript, readonly: boolean): ScriptPlan {
  const statements = script.statements.map(({ readOnlyRefusal: ro, ...statement }) =>
    readonly && ro !== undefined && statement.refusal === undefined
      ? { ...statement, refusal: ro }
      : statement,
  );
  return script.error ? { statements, error: script.error } : { statements };
}

/**
 * Consoles and apps send the same texts again and again (the benchmark's `select 1`, a
 * dashboard's refresh): a small cache keeps the parse off their path. Plans are shared plain
 * data: their users never change them.
 */
const cache = new Map<string, ParsedScript>();
const CACHE_ENTRIES = 512;
const CACHE_MAX_TEXT = 8192;

function parsed(sql: string): ParsedScript {
  const hit = cache.get(sql);
  if (hit) return hit;
  const result = parseScript(sql);
  if (sql.length <= CACHE_MAX_TEXT) {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(sql, result);
  }
  return result;
}

/** A line whose first non-blank character is a backslash: psql's meta-commands. */
const META_LINE = /^[ \t]*\\[^\n]*/gm;

function parseScript(sql: string): ParsedScript {
  if (sql.trim() === '') return { statements: [] };
  const first = tryParse(sql);
  if (!('error' in first)) return { statements: statementsOf(sql, sql, first.stmts) };
  // A meta-command line is a syntax error to the parser: blank such lines out (one space per
  // UTF-16 unit, so JavaScript offsets stay put) and parse again. If that parses, they were
  // meta-commands outside any string, and each is reported as a refused statement of its own.
  const metas = [...sql.matchAll(META_LINE)];
  if (metas.length > 0) {
    let blanked = sql;
    for (const m of metas) {
      blanked =
        blanked.slice(0, m.index) + ' '.repeat(m[0].length) + blanked.slice(m.index + m[0].length);
    }
    const second = tryParse(blanked);
    if (!('error' in second)) {
      const statements = [
        ...statementsOf(sql, blanked, second.stmts),
        ...metas.map((m) => metaStatement(sql, m.index, m[0])),
      ].sort((a, b) => a.start - b.start);
      statements.forEach((s, i) => {
        s.index = i;
      });
      return { statements };
    }
  }
  return { statements: [], error: syntaxError(sql, first.error) };
}

interface RawStmt {
  stmt: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

function tryParse(text: string): { stmts: RawStmt[] } | { error: unknown } {
  try {
    return { stmts: (parseSync(text).stmts ?? []) as unknown as RawStmt[] };
  } catch (error) {
    return { error };
  }
}

function statementsOf(sql: string, parsedText: string, stmts: RawStmt[]): Parsed[] {
  const toIndex = byteToIndex(parsedText);
  const totalBytes = Buffer.byteLength(parsedText);
  let line = 1;
  let lineFrom = 0;
  return stmts.map((raw, index) => {
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : totalBytes;
    const start = toIndex(byteStart);
    let end = toIndex(byteEnd);
    while (end > start && /\s/.test(sql[end - 1] ?? '')) end--;
    for (let i = sql.indexOf('\n', lineFrom); i !== -1 && i < start; i = sql.indexOf('\n', i + 1)) {
      line++;
      lineFrom = i + 1;
    }
    const stmt = raw.stmt;
    const ro = readOnlyRefusal(stmt);
    return {
      index,
      sql: sql.slice(start, end),
      start,
      end,
      line,
      command: commandTag(stmt),
      changes: changes(stmt),
      unfiltered: unfiltered(stmt),
      ...(ro !== undefined && { readOnlyRefusal: ro }),
    };
  });
}

function metaStatement(sql: string, at: number, text: string): Parsed {
  const start = at + (text.length - text.trimStart().length);
  const line = sql.slice(0, start).split('\n').length;
  const word = /^\\[A-Za-z!?]*/.exec(text.trimStart())?.[0] ?? '\\';
  return {
    index: 0,
    sql: text.trim(),
    start,
    end: at + text.trimEnd().length,
    line,
    command: word,
    changes: false,
    unfiltered: false,
    refusal:
      `Line ${line} is the psql meta-command ${word}, which only psql runs; Tusk runs SQL ` +
      'statements only. Remove the line, or run this script with psql.',
  };
}

function syntaxError(sql: string, error: unknown): TuskErrorData {
  const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } })
    .sqlDetails;
  const message = details?.message ?? (error instanceof Error ? error.message : 'syntax error');
  const cursor = details?.cursorPosition;
  return {
    kind: 'QueryFailed',
    code: '42601',
    message,
    // The parser counts characters (code points) from 0; a position is 1-based, in JS units.
    ...(typeof cursor === 'number' &&
      cursor >= 0 && { position: codePointToIndex(sql, cursor) + 1 }),
  };
}
