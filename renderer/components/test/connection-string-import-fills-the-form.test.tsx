import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

const field = (label: string) =>
  screen.getByLabelText(label, { selector: 'input, select' }) as HTMLInputElement;
const fieldValue = (label: string) => field(label).value;

const importString = (text: string) => {
  fireEvent.change(screen.getByLabelText('Import connection string'), {
    target: { value: text },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Import' }));
};

/** The form over a fake host that answers save_connection; its calls are recorded. */
const renderForm = () =>
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />, {
    handlers: (t) => t.handle('save_connection', () => null),
  });

const savedArgs = async (transport: ReturnType<typeof renderForm>['transport']) => {
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() =>
    expect(transport.calls.some((c) => c.command === 'save_connection')).toBe(true),
  );
  return transport.calls.find((c) => c.command === 'save_connection')!.args as {
    config: ConnectionConfig;
    password?: string;
  };
};

test('a pasted postgres:// URL fills host, port, database, user, password and SSL mode', () => {
  renderForm();
  importString('postgresql://rep%40ort:p%2Fss@db.example.com:6543/sales?sslmode=require');
  expect(fieldValue('Host')).toBe('db.example.com');
  expect(fieldValue('Port')).toBe('6543');
  expect(fieldValue('Database')).toBe('sales');
  expect(fieldValue('User')).toBe('rep@ort');
  expect(fieldValue('Password')).toBe('p/ss');
  expect(fieldValue('SSL mode')).toBe('require');
  expect(fieldValue('Name')).toBe('sales on db.example.com');
  expect(screen.getByRole('status').textContent).toContain('Imported');
  // The pasted text, password and all, does not stay in the import field.
  expect(fieldValue('Import connection string')).toBe('');
});

test('a key=value string fills the fields, its options too', () => {
  renderForm();
  importString(
    "host=db.example.com port=6543 dbname=sales user=report password='it\\'s' sslmode=verify-full " +
      'sslrootcert=/etc/tusk/ca.pem application_name=reports connect_timeout=7 ' +
      "options='-c default_transaction_read_only=on -c statement_timeout=5s'",
  );
  expect(fieldValue('Host')).toBe('db.example.com');
  expect(fieldValue('Port')).toBe('6543');
  expect(fieldValue('Database')).toBe('sales');
  expect(fieldValue('User')).toBe('report');
  expect(fieldValue('Password')).toBe("it's");
  expect(fieldValue('SSL mode')).toBe('verify-full');
  expect(fieldValue('CA certificate path')).toBe('/etc/tusk/ca.pem');
  expect(fieldValue('Application name')).toBe('reports');
  expect(fieldValue('Connect timeout (s)')).toBe('7');
  expect(field('Read-only').checked).toBe(true);
  expect(fieldValue('Statement timeout')).toBe('5000');
});

test('a multi-host string: the first host in the fields, the whole list saved with the config', async () => {
  const { transport } = renderForm();
  importString(
    'postgres://app:s3cret@a.example:5432,b.example:5433/sales?target_session_attrs=read-write',
  );
  expect(fieldValue('Host')).toBe('a.example');
  expect(fieldValue('Port')).toBe('5432');
  expect(screen.getByRole('status').textContent).toContain(
    '2 hosts (a.example:5432, b.example:5433)',
  );
  const { config, password } = await savedArgs(transport);
  expect(config.hosts).toEqual([
    { host: 'a.example', port: 5432 },
    { host: 'b.example', port: 5433 },
  ]);
  expect(config.options.targetSessionAttrs).toBe('read-write');
  // The password goes to save_connection's password (the keyring), never into the config.
  expect(password).toBe('s3cret');
  expect(JSON.stringify(config)).not.toContain('s3cret');
  expect(config.passwordInKeyring).toBe(true);
});

test('a single-host import after a multi-host one leaves no host list behind', async () => {
  const { transport } = renderForm();
  importString('host=a.example,b.example dbname=sales');
  importString('host=c.example dbname=sales');
  const { config } = await savedArgs(transport);
  expect(config.host).toBe('c.example');
  expect(config.hosts).toBeUndefined();
});

test('an unsupported parameter is the import field’s error, naming it, and changes nothing', () => {
  renderForm();
  const before = fieldValue('Host');
  importString('postgres://db/sales?requirepeer=postgres');
  const input = field('Import connection string');
  const message = document.getElementById(input.getAttribute('aria-describedby') ?? '');
  expect(message?.textContent).toContain('unsupported parameter "requirepeer"');
  expect(input.getAttribute('aria-invalid')).toBe('true');
  expect(fieldValue('Host')).toBe(before);
});

test('a value the import cannot read says why and changes nothing', () => {
  renderForm();
  const before = fieldValue('Host');
  importString('postgres://db/sales?sslmode=sometimes');
  expect(screen.getByRole('status').textContent).toContain('sslmode must be one of');
  expect(fieldValue('Host')).toBe(before);
});
