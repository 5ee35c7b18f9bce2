import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { makeView } from '../../test/fixtures.tsx';
import { connectionChart } from '../charts.ts';
import { StateChart } from '../StateChart.tsx';
import { HISTORY } from './fixtures.ts';

afterEach(() => vi.restoreAllMocks());

/** What the page hands to the browser's download: the blobs behind the object URLs. */
function captureDownloads() {
  const blobs: Blob[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return `blob:download-${blobs.length}`;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  return blobs;
}

test('"SVG" saves the chart with every state named, the active ones lit', {
  timeout: 30_000,
}, async () => {
  const view = makeView({
    state: { connected: 'idle' },
    status: 'connected',
    transitions: HISTORY,
  });
  render(<StateChart view={view} onSend={() => {}} />);
  await screen.findAllByText('credentials', {}, { timeout: 20_000 });
  const blobs = captureDownloads();
  fireEvent.click(screen.getByRole('button', { name: 'SVG' }));
  await waitFor(() => expect(blobs).toHaveLength(1));
  const svg = await blobs[0]!.text();
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  const { chart } = await connectionChart();
  for (const node of chart.nodes) expect(svg).toContain(`data-state="${node.path}"`);
  for (const key of new Set(chart.nodes.map((n) => n.key))) expect(svg).toContain(`>${key}`);
  expect(svg).toMatch(/data-state="connected\.idle"><rect [^>]*fill="#1f6feb"/);
});

test('"History JSON" saves the records as they are, and nothing of the config', {
  timeout: 30_000,
}, async () => {
  const view = makeView({ transitions: HISTORY });
  render(<StateChart view={view} onSend={() => {}} />);
  const blobs = captureDownloads();
  fireEvent.click(screen.getByRole('button', { name: 'History JSON' }));
  const doc = JSON.parse(await blobs[0]!.text());
  expect(doc.connection).toEqual({ id: view.id, name: view.config.name });
  expect(doc.transitions).toEqual(HISTORY);
  expect(Object.keys(doc).sort()).toEqual(['connection', 'exportedAt', 'transitions']);
});
