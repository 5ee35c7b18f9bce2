import { act, render, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView } from '../../test/fixtures.tsx';
import { StateChart } from '../StateChart.tsx';

/**
 * A state change re-makes the few nodes whose look changed. React Flow must still know where
 * their handles are: when it did not, every edge at such a node (and its label) unmounted, then
 * mounted again once the DOM was measured, which was most of the chart's cost per status change.
 */
test('a state change unmounts and remounts no edge and no label', { timeout: 30_000 }, async () => {
  const view = makeView();
  const { rerender, container } = render(<StateChart view={view} onSend={() => {}} />);
  await screen.findAllByText('credentials', {}, { timeout: 20_000 });
  const edges = container.querySelector('.react-flow__edges')!;
  const labels = container.querySelector('.react-flow__edgelabel-renderer')!;
  await waitFor(() =>
    expect(edges.querySelectorAll('.react-flow__edge').length).toBeGreaterThan(40),
  );
  const drawn = edges.querySelectorAll('.react-flow__edge').length;
  const labelled = labels.childElementCount;

  let changed = 0;
  const observer = new MutationObserver((records) => {
    for (const r of records) changed += r.addedNodes.length + r.removedNodes.length;
  });
  observer.observe(edges, { childList: true });
  observer.observe(labels, { childList: true });
  const states = [
    { connecting: 'credentials' },
    { connecting: 'opening' },
    { connected: 'idle' },
    { connected: 'pinging' },
    { reconnecting: 'waiting' },
    { disconnected: 'closed' },
  ];
  for (const state of states) {
    act(() => rerender(<StateChart view={{ ...view, state }} onSend={() => {}} />));
    // Checked right after each commit: nothing may drop out, even for a frame.
    expect(edges.querySelectorAll('.react-flow__edge')).toHaveLength(drawn);
    expect(labels.childElementCount).toBe(labelled);
  }
  await waitFor(() =>
    expect(screen.getByTestId('state-chart').dataset.active).toBe(
      'disconnected disconnected.closed',
    ),
  );
  observer.disconnect();
  expect(changed).toBe(0);
});
