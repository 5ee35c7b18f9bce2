import type { PlannedStatement } from '../../machines/sql-plan.ts';

/**
 * libpg-query reports statement locations as UTF-8 byte offsets and PostgreSQL reports error
 * positions in characters (code points); a JavaScript string is indexed in UTF-16 code units.
 * These convert between them without re-encoding the whole script per statement.
 */

/** Whether every character is ASCII: then bytes, code points and UTF-16 units coincide. */
export const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** UTF-8 length of the code point starting at `i`, and how many UTF-16 units it takes. */
function step(text: string, i: number): { bytes: number; units: number } {
  const c = text.codePointAt(i) ?? 0;
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c < 0x10000) return { bytes: 3, units: 1 };
  return { bytes: 4, units: 2 };
}

/**
 * Maps increasing UTF-8 byte offsets of `text` to UTF-16 indexes, walking forward from the last
 * one asked: statements come in order, so a whole script costs one pass.
 */
export function byteToIndex(text: string): (byte: number) => number {
  if (isAscii(text)) return (byte) => byte;
  let byte = 0;
  let index = 0;
  return (target) => {
    if (target < byte) {
      byte = 0;
      index = 0;
    }
    while (byte < target && index < text.length) {
      const { bytes, units } = step(text, index);
      byte += bytes;
      index += units;
    }
    return index;
  };
}

/** The UTF-16 index of the `n`th (0-based) code point of `text`; past the end, its length. */
export function codePointToIndex(text: string, n: number): number {
  let index = 0;
  for (let k = 0; k < n && index < text.length; k++) index += step(text, index).units;
  return index;
}

/**
 * An error PostgreSQL reported for one statement, with its `position` (1-based, in characters
 * of that statement) moved into the whole text (1-based, in JavaScript characters).
 */
export function inScript<E>(error: E, statement: Pick<PlannedStatement, 'sql' | 'start'>): E {
  const e = error as { position?: unknown } | null;
  const position = Number(e?.position);
  if (e && Number.isInteger(position) && position > 0) {
    e.position = String(statement.start + codePointToIndex(statement.sql, position - 1) + 1);
  }
  return error;
}
