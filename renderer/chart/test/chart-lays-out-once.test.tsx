import { act, render, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView } from '../../test/fixtures.tsx';
import { layoutRuns } from '../charts.ts';
import { StateChart } from '../StateChart.tsx';

test('one layout for every render and every connection', { timeout: 30_000 }, async () => {
  const view = makeView();
  const { rerender } = render(<StateChart view={view} onSend={() => {}} />);
  await screen.findAllByText('credentials', {}, { timeout: 20_000 });
  const states = [
    { connecting: 'credentials' },
    { connecting: 'opening' },
    { connected: 'idle' },
    { connected: 'pinging' },
    { reconnecting: 'waiting' },
    { reconnecting: { attempting: 'opening' } },
    { error: 'closed' },
  ];
  for (let i = 0; i < 42; i++) {
    const state = states[i % states.length]!;
    act(() => rerender(<StateChart view={{ ...view, state }} onSend={() => {}} />));
  }
  await waitFor(() =>
    expect(screen.getByTestId('state-chart').dataset.active).toBe('error error.closed'),
  );
  // Another connection's chart, mounted afresh, shares the same layout.
  render(<StateChart view={makeView()} onSend={() => {}} />);
  await waitFor(() => expect(screen.getAllByTestId('state-chart')).toHaveLength(2));
  expect(layoutRuns()).toBe(1);
});
