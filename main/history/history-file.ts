import { join } from 'node:path';
import type { TransitionRecord } from '../../machines/views.ts';

/**
 * The durable history's files: `<dataDir>/history/<connectionId>.jsonl`, one TransitionRecord
 * per line, appended to; when it holds `perFile` lines it becomes `<connectionId>.1.jsonl`
 * (replacing the one before) and a new file starts. So a connection keeps between `perFile` and
 * twice that many records on disk, and a write never rewrites what is there.
 */
export const HISTORY_DIR = 'history';
/** Lines per file before it rotates: two files, at most 2,000 records of a connection. */
export const PER_FILE = 1000;

const NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.1)?\.jsonl$/i;

export interface HistoryPaths {
  /** The file being appended to. */
  current: string;
  /** The one it rotated into, older records. */
  previous: string;
}

export function historyPaths(dir: string, connectionId: string): HistoryPaths {
  return {
    current: join(dir, `${connectionId}.jsonl`),
    previous: join(dir, `${connectionId}.1.jsonl`),
  };
}

/** The connection a history file belongs to, or undefined for any other file. */
export function connectionOfFile(name: string): string | undefined {
  return NAME.exec(name)?.[1];
}

export interface ParsedHistory {
  records: TransitionRecord[];
  /** Whole lines, counted even if one could not be read: what the file holds toward `perFile`. */
  lines: number;
  /**
   * Bytes up to the end of the last whole line. A crash in the middle of an append leaves a
   * partial line after it; the writer cuts the file back to this before it appends again, so
   * the next record does not start on the same line as the broken one.
   */
  wholeBytes: number;
}

/**
 * Reads a history file leniently: a partial last line (a crash mid-append) and any line that is
 * not a record (a disk error, an edit by hand) are skipped, never a reason to lose the rest.
 */
export function parseHistory(text: string): ParsedHistory {
  const end = text.lastIndexOf('\n') + 1;
  const whole = text.slice(0, end);
  const records: TransitionRecord[] = [];
  let lines = 0;
  for (const line of whole.split('\n')) {
    if (line === '') continue;
    lines++;
    const record = recordOf(line);
    if (record) records.push(record);
  }
  return { records, lines, wholeBytes: Buffer.byteLength(whole, 'utf8') };
}

export const serialiseRecords = (records: TransitionRecord[]): string =>
  records.map((r) => `${JSON.stringify(r)}\n`).join('');

function recordOf(line: string): TransitionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = value as Partial<TransitionRecord> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.at !== 'number' ||
    typeof r.from !== 'string' ||
    typeof r.to !== 'string' ||
    typeof r.event !== 'string'
  ) {
    return undefined;
  }
  // Only the fields a record has: a file edited by hand cannot smuggle anything else to the UI.
  const record: TransitionRecord = { at: r.at, from: r.from, to: r.to, event: r.event };
  if (r.error && typeof r.error === 'object' && typeof r.error.kind === 'string') {
    record.error =
      typeof r.error.code === 'string'
        ? { kind: r.error.kind, code: r.error.code }
        : { kind: r.error.kind };
  }
  if (typeof r.host === 'string') record.host = r.host;
  if (r.machine === 'tunnel' || r.machine === 'connection') record.machine = r.machine;
  return record;
}
