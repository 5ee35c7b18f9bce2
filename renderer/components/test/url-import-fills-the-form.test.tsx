import { fireEvent, screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

const fieldValue = (label: string) =>
  (screen.getByLabelText(label, { selector: 'input, select' }) as HTMLInputElement).value;

test('a pasted postgres:// URL fills host, port, database, user, password and SSL mode', () => {
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />);
  fireEvent.change(screen.getByLabelText('Import from URL'), {
    target: { value: 'postgresql://rep%40ort:p%2Fss@db.example.com:6543/sales?sslmode=require' },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Import' }));
  expect(fieldValue('Host')).toBe('db.example.com');
  expect(fieldValue('Port')).toBe('6543');
  expect(fieldValue('Database')).toBe('sales');
  expect(fieldValue('User')).toBe('rep@ort');
  expect(fieldValue('Password')).toBe('p/ss');
  expect(fieldValue('SSL mode')).toBe('require');
  expect(fieldValue('Name')).toBe('sales on db.example.com');
  expect(screen.getByRole('status').textContent).toContain('Imported');
});

test('a URL the import cannot read says why and changes nothing', () => {
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />);
  const before = fieldValue('Host');
  fireEvent.change(screen.getByLabelText('Import from URL'), {
    target: { value: 'postgres://db/sales?sslmode=sometimes' },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Import' }));
  expect(screen.getByRole('status').textContent).toContain('sslmode=sometimes');
  expect(fieldValue('Host')).toBe(before);
});
