import { fireEvent, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionActions } from '../ConnectionActions.tsx';

test('Delete asks first; Cancel keeps the connection, Delete in the dialog deletes it', async () => {
  const view = makeView();
  let deleted = 0;
  const { transport } = renderWithServices(
    <ConnectionActions view={view} onEdit={() => {}} onDeleted={() => deleted++} />,
  );
  transport.handle('delete_connection', () => null);
  fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
  const ask = screen.getByRole('dialog', { name: 'Delete connection' });
  fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
  expect(transport.calls).toHaveLength(0);

  fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
  fireEvent.click(
    within(screen.getByRole('dialog', { name: 'Delete connection' })).getByRole('button', {
      name: 'Delete',
    }),
  );
  await Promise.resolve();
  expect(transport.calls).toEqual([
    { command: 'delete_connection', args: { connectionId: view.id } },
  ]);
  await screen.findByRole('button', { name: 'Delete' });
  expect(deleted).toBe(1);
});

test('Disconnect with a transaction open in a session asks before throwing it away', () => {
  const view = makeView({
    status: 'connected',
    state: { connected: 'idle' },
    sessions: [
      { sessionId: 's1', transaction: 'in-transaction', busy: false, statePersists: true },
    ],
  });
  const { transport } = renderWithServices(
    <ConnectionActions view={view} onEdit={() => {}} onDeleted={() => {}} />,
  );
  transport.handle('disconnect', () => null);
  fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
  const ask = screen.getByRole('dialog', { name: 'Open transaction' });
  expect(ask.textContent).toContain('rolls it back');
  expect(transport.calls).toHaveLength(0);
  fireEvent.click(within(ask).getByRole('button', { name: 'Disconnect' }));
  expect(transport.calls).toEqual([{ command: 'disconnect', args: { connectionId: view.id } }]);
});

test('Escape closes a dialog without doing anything', () => {
  const { transport } = renderWithServices(
    <ConnectionActions view={makeView()} onEdit={() => {}} onDeleted={() => {}} />,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
  fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(transport.calls).toHaveLength(0);
});
