import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { App } from '../../App.tsx';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';

const views = () => [
  makeView({
    config: makeConfig({
      name: 'alpha',
      environment: 'production',
      options: { readonly: true },
    }),
  }),
  makeView({ config: makeConfig({ name: 'beta' }) }),
];

test('the keyboard alone: arrows move through the list, Enter opens the form, Escape closes it and focus comes back', async () => {
  renderWithServices(<App />, { views: views() });
  // The app opens on the first connection.
  await screen.findByRole('heading', { name: 'alpha' });
  const rows = screen.getAllByRole('option');
  fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
  await screen.findByRole('heading', { name: 'beta' });
  fireEvent.keyDown(screen.getAllByRole('option')[1]!, { key: 'ArrowUp' });
  await screen.findByRole('heading', { name: 'alpha' });

  const button = screen.getByRole('button', { name: 'New connection' });
  button.focus();
  fireEvent.click(button); // Enter on a focused button is a click
  const dialog = screen.getByRole('dialog', { name: 'New connection' });
  expect(document.activeElement).toBe(within(dialog).getByLabelText('Name', { selector: 'input' }));
  fireEvent.keyDown(dialog, { key: 'Escape' });
  expect(screen.queryByRole('dialog')).toBeNull();
  expect(document.activeElement).toBe(button);
});

test('each row says its status in words, its environment and read-only badges beside', async () => {
  renderWithServices(<App />, { views: views() });
  const alpha = (await screen.findAllByRole('option'))[0]!;
  expect(alpha.textContent).toContain('alpha');
  expect(alpha.textContent).toContain('PROD');
  expect(alpha.textContent).toContain('RO');
  expect(alpha.textContent).toContain('Disconnected');
});

test('Edit opens the form filled in; Save keeps the id and the saved password', async () => {
  const [alpha] = views();
  const saved = makeView({ config: { ...alpha!.config, passwordInKeyring: true } });
  const { transport, services } = renderWithServices(<App />, {
    views: [saved],
    handlers: (t) => t.handle('save_connection', () => null),
  });
  await screen.findByRole('heading', { name: 'alpha' });
  fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
  const dialog = screen.getByRole('dialog', { name: 'Edit alpha' });
  const name = within(dialog).getByLabelText('Name', { selector: 'input' }) as HTMLInputElement;
  expect(name.value).toBe('alpha');
  expect((within(dialog).getByLabelText('Read-only') as HTMLInputElement).checked).toBe(true);
  expect(within(dialog).getByText('Saved in the keyring: leave empty to keep it')).toBeTruthy();
  fireEvent.change(name, { target: { value: 'alpha (primary)' } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  const args = transport.calls.find((c) => c.command === 'save_connection')!.args as {
    config: { id: string; name: string; passwordInKeyring: boolean };
    password?: string;
  };
  expect(args.config).toMatchObject({
    id: saved.id,
    name: 'alpha (primary)',
    passwordInKeyring: true,
  });
  expect(args.password).toBeUndefined();
  // The list shows the new name once the host's view says so, not before.
  expect(screen.getAllByRole('option')[0]!.textContent).toContain('alpha');
  act(() =>
    services.views.apply({
      full: false,
      changed: [{ ...saved, config: { ...saved.config, name: 'alpha (primary)' } }],
      removed: [],
    }),
  );
  expect(screen.getAllByRole('option')[0]!.textContent).toContain('alpha (primary)');
});
