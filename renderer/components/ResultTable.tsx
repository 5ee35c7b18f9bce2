import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { QueryResultView } from '../../machines/ipc.ts';
import { heightRef } from '../lib/cssom.ts';
import { formatMs } from '../lib/format.ts';

/** The height a row of the grid takes (12 px monospace, 4 px padding, a 1 px line). */
const ROW_HEIGHT = 25;

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function resultSummary(result: QueryResultView): string {
  if (result.fields.length > 0) {
    return `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  }
  // BEGIN, SET and the like report no row count at all.
  if (result.rowCount === null) return 'done';
  return `${result.rowCount} row${result.rowCount === 1 ? '' : 's'} affected`;
}

/**
 * One result's rows, virtualised: only the rows in sight exist, so a 100,000-row result scrolls
 * as a 20-row one does. Spacer rows above and below keep the columns of one real <table>
 * aligned with its sticky header.
 */
export function ResultTable({ result, ms }: { result: QueryResultView; ms?: number }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: result.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const span = Math.max(1, result.fields.length);
  return (
    <div className="result">
      <p className="result-summary" data-testid="result-summary">
        {resultSummary(result)}
        {ms !== undefined && <span className="muted"> · {formatMs(ms)}</span>}
      </p>
      {result.fields.length > 0 && (
        <div className="table-wrap result-scroll" ref={scrollRef}>
          <table className="grid" aria-rowcount={result.rows.length + 1}>
            <thead>
              <tr>
                {result.fields.map((f, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names repeat
                  <th key={`${f.name}-${i}`} scope="col">
                    {f.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {before > 0 && (
                <tr className="spacer">
                  <td colSpan={span} ref={heightRef(before)} />
                </tr>
              )}
              {items.map((v) => {
                const row = result.rows[v.index]!;
                return (
                  <tr key={v.key} aria-rowindex={v.index + 2}>
                    {result.fields.map((f, i) => {
                      const text = cell(row[f.name]);
                      return (
                        // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names repeat
                        <td key={`${f.name}-${i}`} className={text === 'NULL' ? 'null' : undefined}>
                          {text}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
              {after > 0 && (
                <tr className="spacer">
                  <td colSpan={span} ref={heightRef(after)} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
