import { screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionView } from '../../../machines/views.ts';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { InfoGrid } from '../InfoGrid.tsx';

const show = (overrides: Partial<ConnectionView>) =>
  renderWithServices(
    <InfoGrid
      view={makeView({ status: 'connected', state: { connected: 'idle' }, ...overrides })}
    />,
  );

test('a password from a command says so, and that the command runs at every attempt', () => {
  show({ credentials: 'command' });
  const label = screen.getByText('Password', { selector: 'dt' });
  expect(label.nextElementSibling?.textContent).toBe('from its command, run at every attempt');
});

test('a password from the keyring or a password file adds no field', () => {
  for (const credentials of ['keyring', 'pgpass', null] as const) {
    const { unmount } = show({ credentials });
    expect(screen.queryByText('Password', { selector: 'dt' })).toBeNull();
    unmount();
  }
});
