import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../machines/errors.ts';
import { POOLER_DETAIL, toTuskError } from '../errors.ts';

/** What PgBouncer 1.18 sends: an ErrorResponse with SQLSTATE 08P01 whatever went wrong. */
const fromBouncer = (message: string) =>
  Object.assign(new Error(message), { code: '08P01', severity: 'FATAL' });

describe('PgBouncer errors are classified like the server', () => {
  it.each([
    ['SASL authentication failed', 'AuthFailed', '28P01', false],
    ['password authentication failed', 'AuthFailed', '28P01', false],
    ['no such database: sales', 'ConnectionFailed', '3D000', false],
    ['database "sales" does not exist', 'ConnectionFailed', '3D000', false],
    ['unsupported startup parameter: search_path', 'ConnectionFailed', '08P01', false],
    ['no more connections allowed (max_client_conn)', 'ConnectionFailed', '53300', true],
    [
      'server login has been failing, try again later (server_login_retry)',
      'ConnectionFailed',
      '08001',
      true,
    ],
    ['pgbouncer cannot connect to server', 'ConnectionFailed', '08001', true],
  ] as const)('"%s" is %s %s (retryable: %s), with a hint', (message, kind, code, retryable) => {
    const error = toTuskError(fromBouncer(message), 'connect');
    expect(error).toMatchObject({ kind, code, message, detail: POOLER_DETAIL });
    expect(error.hint).toMatch(/pooler/);
    expect(isRetryable(error.toJSON())).toBe(retryable);
  });

  it('names what to change in the hint', () => {
    expect(toTuskError(fromBouncer('no such database: sales'), 'connect').hint).toContain(
      '"sales"',
    );
    expect(
      toTuskError(fromBouncer('unsupported startup parameter: search_path'), 'connect').hint,
    ).toContain('ignore_startup_parameters');
  });

  it('leaves an unknown 08P01 a protocol violation, not retried', () => {
    const error = toTuskError(fromBouncer('something else'), 'connect');
    expect(error).toMatchObject({ kind: 'ConnectionFailed', code: '08P01' });
    expect(error.detail).toBeUndefined();
    expect(isRetryable(error.toJSON())).toBe(false);
  });
});
