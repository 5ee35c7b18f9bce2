import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';
import { InfoGrid } from '../InfoGrid.tsx';

const field = (label: string) =>
  screen.getByLabelText(label, { selector: 'input, select' }) as HTMLInputElement;
const type = (label: string, value: string) =>
  fireEvent.change(field(label), { target: { value } });

const renderForm = (editId: string | null = null, views = [] as ReturnType<typeof makeView>[]) =>
  renderWithServices(<ConnectionForm editId={editId} onClose={() => {}} onSaved={() => {}} />, {
    views,
    handlers: (t) => t.handle('save_connection', () => null),
  });

const save = async (transport: ReturnType<typeof renderForm>['transport']) => {
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() =>
    expect(transport.calls.some((c) => c.command === 'save_connection')).toBe(true),
  );
  return (
    transport.calls.find((c) => c.command === 'save_connection')!.args as {
      config: ConnectionConfig;
    }
  ).config;
};

test('adding hosts saves a list whose first entry is Host and Port, with the target and balancing', async () => {
  const { transport } = renderForm();
  type('Name', 'cluster');
  type('Host', 'a.example');
  fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
  expect(field('Host 1').value).toBe('a.example');
  type('Host 2', 'b.example');
  type('Port 2', '5433');
  type('Target session', 'read-write');
  type('Load balance', 'random');
  const config = await save(transport);
  expect(config.hosts).toEqual([
    { host: 'a.example', port: 5432 },
    { host: 'b.example', port: 5433 },
  ]);
  expect(config.options.targetSessionAttrs).toBe('read-write');
  expect(config.options.loadBalanceHosts).toBe('random');
});

test('editing Host or the first row changes both: the list never disagrees with Host and Port', async () => {
  const { transport } = renderForm();
  type('Name', 'cluster');
  fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
  type('Host 2', 'b.example');
  type('Host', 'c.example');
  expect(field('Host 1').value).toBe('c.example');
  type('Port 1', '6000');
  expect(field('Port').value).toBe('6000');
  const config = await save(transport);
  expect(config.host).toBe('c.example');
  expect(config.port).toBe(6000);
  expect(config.hosts?.[0]).toEqual({ host: 'c.example', port: 6000 });
  expect(screen.queryByText(/the first of hosts/i)).toBeNull();
});

test('removing the last extra host leaves no list at all, so the two-or-more rule cannot trip', async () => {
  const { transport } = renderForm();
  type('Name', 'single');
  fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
  type('Host 2', 'b.example');
  fireEvent.click(screen.getByRole('button', { name: 'Remove host 2' }));
  expect(screen.queryByLabelText('Host 2')).toBeNull();
  const config = await save(transport);
  expect(config.hosts).toBeUndefined();
});

test('a row’s invalid port is that row’s message, from the same schema', async () => {
  const { transport } = renderForm();
  type('Name', 'cluster');
  fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
  type('Host 2', 'b.example');
  type('Port 2', '70000');
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  const port = field('Port 2');
  expect(port.getAttribute('aria-invalid')).toBe('true');
  const message = document.getElementById(port.getAttribute('aria-describedby') ?? '');
  expect(message?.textContent).toBe('Port must be between 1 and 65535');
  expect(transport.calls.some((c) => c.command === 'save_connection')).toBe(false);
});

test('editing a saved multi-host connection shows its list and options', () => {
  const saved = makeConfig({
    host: 'a.example',
    port: 5432,
    hosts: [
      { host: 'a.example', port: 5432 },
      { host: 'b.example', port: 5433 },
    ],
    options: { targetSessionAttrs: 'prefer-standby', loadBalanceHosts: 'random' },
  });
  renderForm(saved.id, [makeView({ config: saved })]);
  expect(field('Host 2').value).toBe('b.example');
  expect(field('Port 2').value).toBe('5433');
  expect(field('Target session').value).toBe('prefer-standby');
  expect(field('Load balance').value).toBe('random');
});

test('the details show the host actually reached, from the server info', () => {
  const config = makeConfig({
    host: 'a.example',
    hosts: [
      { host: 'a.example', port: 5432 },
      { host: 'b.example', port: 5433 },
    ],
  });
  const server = {
    version: 'PostgreSQL 18.4',
    serverVersionNum: 180004,
    currentDatabase: 'app',
    currentUser: 'app',
    backendPid: 7,
    startedAt: '2026-12-01T00:00:00Z',
    ssl: false,
    host: 'b.example',
    port: 5433,
  };
  renderWithServices(
    <InfoGrid
      view={makeView({ config, server, status: 'connected', state: { connected: 'idle' } })}
    />,
  );
  const shown = screen.getByText('Host', { selector: 'dt' }).nextElementSibling;
  expect(shown?.textContent).toBe('b.example:5433');
});
