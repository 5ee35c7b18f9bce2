import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { Sidebar } from '../Sidebar.tsx';

const group = { id: '10000000-0000-4000-8000-000000000001', name: 'Production' };

const sidebar = () =>
  renderWithServices(<Sidebar selectedId={null} onSelect={() => {}} />, {
    views: [
      makeView({ config: makeConfig({ name: 'orders', groupId: group.id }) }),
      makeView({ config: makeConfig({ name: 'scratch' }) }),
    ],
    groups: [group],
    handlers: (t) => {
      t.handle('save_group', () => null);
      t.handle('delete_group', () => null);
    },
  });

test('connections sit under their group, which collapses and opens again', () => {
  sidebar();
  const header = screen.getByText('Production').closest('button')!;
  expect(header.getAttribute('aria-expanded')).toBe('true');
  expect(screen.getByText('orders')).toBeTruthy();
  fireEvent.click(header);
  expect(header.getAttribute('aria-expanded')).toBe('false');
  expect(screen.queryByText('orders')).toBeNull();
  expect(screen.getByText('scratch')).toBeTruthy();
  fireEvent.click(header);
  expect(screen.getByText('orders')).toBeTruthy();
});

test('New group, rename and delete (asked first) send the group commands', async () => {
  const { transport } = sidebar();
  fireEvent.click(screen.getByRole('button', { name: 'New group' }));
  const name = screen.getByLabelText('New group name');
  fireEvent.change(name, { target: { value: 'Staging' } });
  fireEvent.submit(name.closest('form')!);
  await waitFor(() => expect(transport.calls.map((c) => c.command)).toContain('save_group'));
  expect((transport.calls[0]!.args as { group: { name: string } }).group.name).toBe('Staging');

  fireEvent.click(screen.getByRole('button', { name: 'Rename group Production' }));
  const rename = screen.getByLabelText('Rename group Production');
  fireEvent.change(rename, { target: { value: 'Prod' } });
  fireEvent.submit(rename.closest('form')!);
  await waitFor(() => expect(transport.calls).toHaveLength(2));
  expect(transport.calls[1]).toEqual({
    command: 'save_group',
    args: { group: { ...group, name: 'Prod' } },
  });

  fireEvent.click(screen.getByRole('button', { name: 'Delete group Production' }));
  const ask = screen.getByRole('dialog', { name: 'Delete group' });
  expect(ask.textContent).toContain('Its connections are kept');
  fireEvent.click(within(ask).getByRole('button', { name: 'Delete' }));
  await waitFor(() =>
    expect(transport.calls.at(-1)).toEqual({
      command: 'delete_group',
      args: { groupId: group.id },
    }),
  );
});

test('the filter keeps the rows whose name matches, in any group', () => {
  sidebar();
  fireEvent.change(screen.getByLabelText('Filter connections'), { target: { value: 'ORD' } });
  expect(screen.getByText('orders')).toBeTruthy();
  expect(screen.queryByText('scratch')).toBeNull();
  fireEvent.change(screen.getByLabelText('Filter connections'), { target: { value: 'nothing' } });
  expect(screen.getByText('No connection matches.')).toBeTruthy();
});
