import type { TuskErrorData } from './errors.ts';
import type { QueryResultView } from './ipc.ts';

/**
 * The statement pipeline's contract (issue 18): what a script is, statement by statement, as the
 * real PostgreSQL parser (libpg-query, in main/sql/) splits and classifies it, and what running
 * it gave. Pure types: the classification is made once, in main/, and the renderer's
 * confirmations read it from `plan_sql` rather than matching strings themselves.
 */

export interface PlannedStatement {
  /** 0-based position in the script. */
  index: number;
  /** The statement's own text. */
  sql: string;
  /**
   * Offsets into the script as a JavaScript string (UTF-16 code units), mapped from
   * libpg-query's UTF-8 byte offsets.
   */
  start: number;
  end: number;
  /** 1-based line of the script where the statement starts. */
  line: number;
  /** PostgreSQL's command tag style: 'SELECT', 'INSERT', 'UPDATE', 'CREATE TABLE', 'BEGIN', 'SET', ... */
  command: string;
  /**
   * Changes data or schema: INSERT, UPDATE, DELETE, MERGE, TRUNCATE, DDL, GRANT/REVOKE,
   * COPY FROM, CALL (and a data-modifying CTE, EXPLAIN ANALYZE of a write).
   */
  changes: boolean;
  /** An UPDATE or DELETE without WHERE. */
  unfiltered: boolean;
  /**
   * On a read-only connection: why it is refused before it runs (dblink_exec / dblink,
   * COPY TO PROGRAM / TO 'file', LOCK stronger than ACCESS SHARE, a psql meta-command
   * `\connect` naming its line, ...).
   */
  refusal?: string;
}

export interface ScriptPlan {
  statements: PlannedStatement[];
  /** A syntax error of the whole script, with `position` (1-based, in JS characters of the script). */
  error?: TuskErrorData;
}

/** One statement that ran (or was refused). `error.position` is mapped into the whole script. */
export type ScriptStep =
  | { index: number; line: number; command: string; ok: true; result: QueryResultView; ms: number }
  | { index: number; line: number; command: string; ok: false; error: TuskErrorData; ms: number };

export interface ScriptResult {
  /** In order, one per statement that ran (or was refused). */
  steps: ScriptStep[];
  /** Index of the statement that stopped the script (onError 'stop'). */
  stoppedAt?: number;
}

/** What a script does after a failed statement: stop there (psql's ON_ERROR_STOP) or go on. */
export type ScriptOnError = 'stop' | 'continue';

/**
 * The words main/ puts around a read-only refusal's reason, for callers that read the message
 * alone (the API, the CLI): the console shows the reason once, in its own words around it, and
 * takes these off (renderer/lib/script.ts).
 */
export const READ_ONLY_WORDS = {
  whereToChange: 'Edit → Safety turns read-only off for this connection.',
  /** Before a reason of ours (the parser's refusals, the server's answers restated). */
  prefix: 'This connection is read-only: ',
  /** After the server's own message (`cannot execute INSERT in a read-only transaction`). */
  suffix: ': this connection is read-only.',
  notRun: 'The statement was not run.',
} as const;
