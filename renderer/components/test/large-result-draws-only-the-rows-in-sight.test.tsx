import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import { ResultTable } from '../ResultTable.tsx';

test('a 100,000-row result draws only the rows in sight, and scrolling brings the last one', async () => {
  const rows = Array.from({ length: 100_000 }, (_, n) => ({ n, label: `row ${n}` }));
  render(
    <ResultTable
      result={{
        rows,
        rowCount: rows.length,
        fields: [
          { name: 'n', dataTypeID: 23 },
          { name: 'label', dataTypeID: 25 },
        ],
      }}
    />,
  );
  expect(screen.getByTestId('result-summary').textContent).toBe('100000 rows');
  const drawn = () => [...document.querySelectorAll('tbody tr:not(.spacer)')];
  await waitFor(() => expect(drawn().length).toBeGreaterThan(10));
  // A 600 px window of 25 px rows plus the overscan: tens of rows, not a hundred thousand.
  expect(drawn().length).toBeLessThan(60);
  expect(drawn()[0]!.textContent).toBe('0row 0');

  const scroller = document.querySelector('.result-scroll') as HTMLElement;
  act(() => {
    scroller.scrollTop = 100_000 * 25;
    fireEvent.scroll(scroller);
  });
  await waitFor(() => expect(drawn().at(-1)?.textContent).toBe('99999row 99999'));
  expect(drawn().length).toBeLessThan(60);
  expect(drawn()[0]!.getAttribute('aria-rowindex')).not.toBe('2');
});
