import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import type { CommandName } from '../../../machines/ipc.ts';
import type { FakeTransport } from '../../test/fake-transport.ts';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

const field = (label: string) =>
  screen.getByLabelText(label, { selector: 'input, select' }) as HTMLInputElement;
const type = (label: string, value: string) =>
  fireEvent.change(field(label), { target: { value } });

const renderForm = () =>
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />, {
    handlers: (t) => {
      t.handle('save_connection', () => null);
      t.handle('test_connection', () => ({ success: true, latencyMs: 1, stages: [] }));
    },
  });

/** A valid connection through a tunnel, with the given SSH auth. */
const fillTunnel = (auth: 'password' | 'key') => {
  type('Name', 'through ssh');
  fireEvent.click(screen.getByLabelText('Connect through an SSH tunnel'));
  type('SSH host', 'bastion.example');
  type('SSH user', 'deploy');
  type('SSH authentication', auth);
};

type Args = {
  config: ConnectionConfig;
  password?: string;
  sshPassword?: string;
  sshPassphrase?: string;
};
const argsOf = async (transport: FakeTransport, command: CommandName, button: string) => {
  fireEvent.click(screen.getByRole('button', { name: button }));
  await waitFor(() => expect(transport.calls.some((c) => c.command === command)).toBe(true));
  return transport.calls.find((c) => c.command === command)!.args as Args;
};

test('auth = password: "SSH password" goes as save_connection’s sshPassword, never in the config', async () => {
  const { transport } = renderForm();
  fillTunnel('password');
  expect(screen.queryByLabelText('Key passphrase')).toBeNull();
  type('SSH password', 'tunnel-s3cret');
  expect(field('SSH password').type).toBe('password');
  const args = await argsOf(transport, 'save_connection', 'Save');
  expect(args.sshPassword).toBe('tunnel-s3cret');
  expect(args.sshPassphrase).toBeUndefined();
  expect(args.config.sshTunnel).toMatchObject({ enabled: true, auth: 'password' });
  expect(JSON.stringify(args.config)).not.toContain('tunnel-s3cret');
});

test('auth = key: "Key passphrase" goes as sshPassphrase, never in the config', async () => {
  const { transport } = renderForm();
  fillTunnel('key');
  expect(screen.queryByLabelText('SSH password')).toBeNull();
  type('SSH key path', '/home/me/.ssh/id_ed25519');
  type('Key passphrase', 'key-phr4se');
  const args = await argsOf(transport, 'save_connection', 'Save');
  expect(args.sshPassphrase).toBe('key-phr4se');
  expect(args.sshPassword).toBeUndefined();
  expect(args.config.sshTunnel?.keyPath).toBe('/home/me/.ssh/id_ed25519');
  expect(JSON.stringify(args.config)).not.toContain('key-phr4se');
});

test('Test connection passes the SSH secrets too, as their own arguments', async () => {
  const { transport } = renderForm();
  fillTunnel('password');
  type('Password', 'db-s3cret');
  type('SSH password', 'tunnel-s3cret');
  const args = await argsOf(transport, 'test_connection', 'Test connection');
  expect(args.password).toBe('db-s3cret');
  expect(args.sshPassword).toBe('tunnel-s3cret');
  const config = JSON.stringify(args.config);
  expect(config).not.toContain('tunnel-s3cret');
  expect(config).not.toContain('db-s3cret');
});

test('a password typed for one auth method is not sent after switching to another', async () => {
  const { transport } = renderForm();
  fillTunnel('password');
  type('SSH password', 'tunnel-s3cret');
  type('SSH authentication', 'agent');
  const args = await argsOf(transport, 'save_connection', 'Save');
  expect(args.sshPassword).toBeUndefined();
  expect(args.sshPassphrase).toBeUndefined();
  expect(JSON.stringify(args)).not.toContain('tunnel-s3cret');
});
