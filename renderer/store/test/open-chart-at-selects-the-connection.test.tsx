import { act, fireEvent, renderHook, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { App } from '../../App.tsx';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { openChartAt, resetTimeTravel, useTimeTravel } from '../time-travel.ts';

afterEach(resetTimeTravel);

test('openChartAt selects the connection, shows its State chart tab and travels there', async () => {
  const alpha = makeView({ config: makeConfig({ name: 'alpha' }) });
  const beta = makeView({ config: makeConfig({ name: 'beta' }) });
  renderWithServices(<App />, { views: [alpha, beta] });
  await screen.findByRole('heading', { name: 'alpha' });
  fireEvent.click(screen.getByRole('tab', { name: 'Console' }));

  act(() => openChartAt(beta.id, 1_000));
  await screen.findByRole('heading', { name: 'beta' });
  expect(screen.getByRole('tab', { name: 'State chart' }).getAttribute('aria-selected')).toBe(
    'true',
  );
  const { result } = renderHook(() => useTimeTravel(beta.id));
  expect(result.current.at).toBe(1_000);

  // Already selected, on another tab: the chart tab comes back.
  fireEvent.click(screen.getByRole('tab', { name: 'Console' }));
  act(() => openChartAt(beta.id, 2_000));
  expect(screen.getByRole('tab', { name: 'State chart' }).getAttribute('aria-selected')).toBe(
    'true',
  );
  expect(result.current.at).toBe(2_000);
  act(() => result.current.travelTo(null));
  expect(result.current.at).toBeNull();
});

test('each connection keeps its own moment', () => {
  const a = renderHook(() => useTimeTravel('a'));
  const b = renderHook(() => useTimeTravel('b'));
  act(() => a.result.current.travelTo(5));
  expect(a.result.current.at).toBe(5);
  expect(b.result.current.at).toBeNull();
});
