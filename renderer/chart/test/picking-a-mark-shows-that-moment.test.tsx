import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { resetTimeTravel } from '../../store/time-travel.ts';
import { makeView } from '../../test/fixtures.tsx';
import { StateChart } from '../StateChart.tsx';
import { HISTORY } from './fixtures.ts';

afterEach(resetTimeTravel);

const view = makeView({
  state: { reconnecting: 'waiting' },
  status: 'reconnecting',
  transitions: HISTORY,
});

const chartShows = () => screen.getByTestId('state-chart').dataset;

test('picking mark k shows the states of transition k and the edge it took', {
  timeout: 30_000,
}, async () => {
  render(<StateChart view={view} onSend={() => {}} />);
  await screen.findAllByText('credentials', {}, { timeout: 20_000 });
  expect(chartShows().moment).toBe('live');
  expect(chartShows().active).toBe('reconnecting reconnecting.waiting');

  const marks = screen.getAllByRole('option');
  fireEvent.click(marks[4]!); // connected.idle → connected.pinging, after keepaliveInterval
  await waitFor(() => expect(chartShows().moment).toBe('4'));
  expect(chartShows().active).toBe('connected connected.pinging');
  expect(chartShows().taken).toBe('WAKE | after keepaliveInterval');
  expect(document.querySelector('[data-state="pinging"]')!.className).toContain('entered');
  const detail = screen.getByTestId('timeline-detail').textContent!;
  expect(detail).toContain('after keepaliveInterval');
  expect(detail).toContain('5000 ms after the previous');

  // The arrow keys on the strip step through; the error and its SQLSTATE are said.
  const strip = screen.getByRole('listbox');
  fireEvent.keyDown(strip, { key: 'ArrowRight' });
  fireEvent.keyDown(strip, { key: 'ArrowRight' });
  await waitFor(() => expect(chartShows().moment).toBe('6'));
  expect(chartShows().active).toBe('reconnecting reconnecting.waiting');
  expect(screen.getByTestId('timeline-detail').textContent).toContain(
    'ConnectionFailed · SQLSTATE 57P03',
  );

  // Two records in the same millisecond are two marks, each its own moment.
  fireEvent.click(marks[2]!);
  await waitFor(() => expect(chartShows().moment).toBe('2'));
  expect(chartShows().active).toBe('connecting connecting.session');

  act(() => fireEvent.click(screen.getByRole('button', { name: 'Live' })));
  await waitFor(() => expect(chartShows().moment).toBe('live'));
  expect(chartShows().active).toBe('reconnecting reconnecting.waiting');
});
