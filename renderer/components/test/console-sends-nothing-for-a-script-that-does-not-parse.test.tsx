import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { QueryConsole } from '../QueryConsole.tsx';

const script = 'select 1;\nselect from where;\nselect 3';

test('a syntax error of the plan is shown at its place and nothing of the script runs', async () => {
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const { transport } = renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => ({
        statements: [],
        error: {
          kind: 'QueryFailed',
          message: 'syntax error at or near "where"',
          code: '42601',
          position: script.indexOf('where') + 1,
        },
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  const editor = screen.getByLabelText('SQL') as HTMLTextAreaElement;
  fireEvent.change(editor, { target: { value: script } });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));

  const place = await screen.findByTestId('error-position');
  expect(screen.getByRole('alert').textContent).toContain('SQLSTATE 42601');
  expect(place.querySelector('button')?.textContent).toBe('Line 2, column 13');
  expect(place.querySelector('.error-line')?.textContent).toBe('select from where;\n            ^');
  expect(transport.calls.map((c) => c.command)).toEqual(['open_session', 'plan_sql']);
  fireEvent.click(place.querySelector('button')!);
  expect(editor.selectionStart).toBe(script.indexOf('where'));
});
