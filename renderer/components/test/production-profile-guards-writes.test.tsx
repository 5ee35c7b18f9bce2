import { fireEvent, screen, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

test('production turns read-only on with a 30 s statement timeout; turning it off asks first', () => {
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />);
  const readOnly = screen.getByLabelText('Read-only') as HTMLInputElement;
  expect(readOnly.checked).toBe(false);
  fireEvent.change(screen.getByLabelText('Environment'), { target: { value: 'production' } });
  expect(readOnly.checked).toBe(true);
  expect((screen.getByLabelText('Statement timeout') as HTMLInputElement).value).toBe('30000');

  fireEvent.click(readOnly);
  const ask = screen.getByRole('dialog', { name: 'Production connection' });
  expect(readOnly.checked).toBe(true);
  fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
  expect(screen.queryByRole('dialog', { name: 'Production connection' })).toBeNull();
  expect(readOnly.checked).toBe(true);

  fireEvent.click(readOnly);
  fireEvent.click(screen.getByRole('button', { name: 'Allow writes' }));
  expect(readOnly.checked).toBe(false);
});
