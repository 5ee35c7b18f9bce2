import { fireEvent, screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

const open = () =>
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />);

const type = (label: string, value: string) => {
  const input = screen.getByLabelText(label, { selector: 'input' });
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
  return input;
};

/** The message tied to a field: the element its aria-describedby names. */
const messageOf = (input: HTMLElement) => {
  const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent).join(' ');
};

test.each([
  ['Name', '', 'Name is required'],
  ['Host', '', 'Host is required'],
  ['Host', 'db .internal', 'Host must not contain whitespace or invisible characters'],
  ['Port', 'abc', 'Port must be a whole number'],
  ['Port', '70000', 'Port must be between 1 and 65535'],
  ['Database', '', 'Database is required'],
  ['User', '', 'User is required'],
  ['Statement timeout', '-5', 'Statement timeout must not be negative'],
  ['Statement timeout', '1.5', 'Statement timeout must be a whole number of milliseconds'],
  ['Application name', 'Tüsk', 'Application name must be printable ASCII'],
  ['Connect timeout (s)', '0', 'Connect timeout must be at least 1'],
  ['Keepalive interval (s)', '0', 'Keepalive interval must be at least 1'],
  ['Pool size', '0', 'Pool size must be between 1 and 100'],
  ['Reconnect attempts', '-1', 'Reconnect attempts must not be negative'],
])('%s = %j: “%s” next to the field, from the service’s own schema', (label, value, message) => {
  open();
  const input = type(label, value);
  expect(input.getAttribute('aria-invalid')).toBe('true');
  expect(messageOf(input)).toBe(message);
});

test('a CA certificate is asked for next to its field when SSL mode verifies', () => {
  open();
  fireEvent.change(screen.getByLabelText('SSL mode'), { target: { value: 'verify-full' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  const ca = screen.getByLabelText('CA certificate path');
  expect(messageOf(ca)).toBe('A CA certificate is required for SSL mode verify-full');
});

test('direct TLS negotiation with SSL mode prefer is refused next to its field', () => {
  open();
  fireEvent.change(screen.getByLabelText('TLS negotiation'), { target: { value: 'direct' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  expect(messageOf(screen.getByLabelText('TLS negotiation'))).toBe(
    'Direct TLS needs SSL mode require, verify-ca or verify-full, not prefer: it has no plain-text fallback',
  );
});

test('an enabled SSH tunnel needs its host and user, each said by its field', () => {
  open();
  fireEvent.click(screen.getByLabelText('Connect through an SSH tunnel'));
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  expect(messageOf(screen.getByLabelText('SSH host'))).toBe(
    'SSH host is required when the tunnel is enabled',
  );
  expect(messageOf(screen.getByLabelText('SSH user'))).toBe(
    'SSH username is required when the tunnel is enabled',
  );
});

test('untouched fields say nothing until Save; Save with a broken field sends nothing', () => {
  const { transport } = open();
  expect(screen.queryAllByRole('alert')).toHaveLength(0);
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  expect(messageOf(screen.getByLabelText('Name', { selector: 'input' }))).toBe('Name is required');
  expect(transport.calls.filter((c) => c.command === 'save_connection')).toHaveLength(0);
});

test('a valid form saves the config, and the password goes apart to the keyring', async () => {
  const { transport } = open();
  transport.handle('save_connection', () => null);
  type('Name', 'orders');
  type('Password', 's3cret');
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await screen.findByRole('button', { name: 'Save' });
  const saved = transport.calls.find((c) => c.command === 'save_connection');
  const args = saved?.args as { config: Record<string, unknown>; password?: string };
  expect(args.password).toBe('s3cret');
  expect(args.config).toMatchObject({ name: 'orders', passwordInKeyring: true });
  expect(JSON.stringify(args.config)).not.toContain('s3cret');
});
