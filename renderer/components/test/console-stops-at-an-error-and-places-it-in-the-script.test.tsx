import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { expect, test } from 'vitest';
import { makeView, renderWithServices } from '../../test/fixtures.tsx';
import { failed, ok, planOf, rows } from '../../test/scripts.ts';
import { QueryConsole } from '../QueryConsole.tsx';

const script = `select 1 as a;
select 2 as b;
  select nope from missing;
select 4 as d`;

test('the script stops at the failing statement, which shows its SQLSTATE, line, column and the line itself', async () => {
  const view = makeView({ status: 'connected', state: { connected: 'idle' } });
  const plan = planOf(script);
  const [one, two, three] = plan.statements;
  // PostgreSQL's position of `missing`, mapped into the whole script by the engine.
  const position = script.indexOf('missing') + 1;
  renderWithServices(<QueryConsole view={view} />, {
    views: [view],
    handlers: (t) => {
      t.handle('open_session', () => ({ sessionId: 's' }));
      t.handle('plan_sql', () => plan);
      t.handle('run_script', () => ({
        steps: [
          ok(one!, rows([{ a: 1 }])),
          ok(two!, rows([{ b: 2 }])),
          failed(three!, {
            message: 'relation "missing" does not exist',
            code: '42P01',
            position,
          }),
        ],
        stoppedAt: 2,
      }));
    },
  });
  await waitFor(() =>
    expect(screen.getByRole('button', { name: 'Run' }).hasAttribute('disabled')).toBe(false),
  );
  const editor = screen.getByLabelText('SQL') as HTMLTextAreaElement;
  fireEvent.change(editor, { target: { value: script } });
  fireEvent.click(screen.getByRole('button', { name: 'Run' }));

  const steps = await screen.findAllByTestId('step');
  expect(steps).toHaveLength(3);
  const error = steps[2]!;
  expect(within(error).getByRole('alert').textContent).toContain('SQLSTATE 42P01');
  const place = within(error).getByTestId('error-position');
  expect(within(place).getByRole('button').textContent).toBe('Line 3, column 20');
  expect(place.querySelector('.error-line')?.textContent).toBe(
    '  select nope from missing;\n                   ^',
  );
  expect(screen.getByRole('status').textContent).toContain(
    'Stopped at statement 3 of 4 (line 3): 1 statement after it did not run.',
  );
  expect(screen.getByTestId('script-summary').textContent).toBe('3 of 4 statements ran · 1 failed');

  // The place is a link into the editor: the failing statement is selected there.
  fireEvent.click(within(place).getByRole('button'));
  expect(editor.value.slice(editor.selectionStart, editor.selectionEnd)).toBe(
    'select nope from missing',
  );
});
