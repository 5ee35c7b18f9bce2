import { act, screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { RowRenderProbe } from '../ConnectionRow.tsx';
import { Sidebar } from '../Sidebar.tsx';

test('with 1,000 connections, one status change re-renders that row and no other', () => {
  const views = Array.from({ length: 1000 }, () => makeView());
  const renders: string[] = [];
  const { services } = renderWithServices(
    <RowRenderProbe.Provider value={(id) => renders.push(id)}>
      <Sidebar selectedId={null} onSelect={() => {}} />
    </RowRenderProbe.Provider>,
    { views },
  );
  // Virtualised: a window's worth of rows exists, not a thousand.
  const drawn = screen.getAllByRole('option');
  expect(drawn.length).toBeGreaterThan(10);
  expect(drawn.length).toBeLessThan(60);

  const target = views[3]!;
  renders.length = 0;
  act(() =>
    services.views.apply({
      full: false,
      changed: [{ ...target, status: 'connected', state: { connected: 'idle' } }],
      removed: [],
    }),
  );
  expect(renders).toEqual([target.id]);
  const row = screen.getAllByRole('option').find((el) => el.dataset.connectionId === target.id)!;
  expect(row.textContent).toContain('Connected');
});
