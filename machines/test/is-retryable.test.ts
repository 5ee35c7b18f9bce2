import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorKinds, isRetryable, TuskError, type TuskErrorKind } from '../errors.ts';

const err = (kind: TuskErrorKind, code?: string) => ({ kind, message: 'm', ...(code && { code }) });

// DESIGN.md: connection refused/reset/timeout, SQLSTATE class 08 (but 08P01), 57P01, 57P02,
// 57P03 and 53300 are retryable; 28P01, 28000, 3D000, 08P01, validation, credential and TLS
// verification errors are not.
describe('isRetryable', () => {
  it.each([
    ['connection refused', err('ConnectionFailed', 'ECONNREFUSED')],
    ['connection reset', err('ConnectionLost', 'ECONNRESET')],
    ['connection timed out', err('ConnectionTimeout', 'ETIMEDOUT')],
    ['a connect timeout without a code', err('ConnectionTimeout')],
    ['a lost connection without a code', err('ConnectionLost')],
    ['a failed connection without a code', err('ConnectionFailed')],
    ['08000 connection_exception', err('ConnectionFailed', '08000')],
    ['08001 unable to establish', err('ConnectionFailed', '08001')],
    ['08003 connection_does_not_exist', err('ConnectionLost', '08003')],
    ['08004 server rejected the connection', err('ConnectionFailed', '08004')],
    ['08006 connection_failure', err('ConnectionLost', '08006')],
    ['08006 on a query', err('QueryFailed', '08006')],
    ['57P01 admin_shutdown', err('ConnectionLost', '57P01')],
    ['57P01 on a query', err('QueryFailed', '57P01')],
    ['57P02 crash_shutdown', err('ConnectionLost', '57P02')],
    ['57P03 cannot_connect_now (starting up)', err('ConnectionFailed', '57P03')],
    ['53300 too_many_connections', err('ConnectionFailed', '53300')],
  ])('retries %s', (_label, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['28P01 invalid_password', err('AuthFailed', '28P01')],
    ['28P01 even when reported as a connect failure', err('ConnectionFailed', '28P01')],
    ['28000 invalid_authorization_specification', err('AuthFailed', '28000')],
    ['3D000 invalid_catalog_name (no such database)', err('ConnectionFailed', '3D000')],
    ['08P01 protocol_violation', err('ConnectionFailed', '08P01')],
    ['08P01 on a lost connection', err('ConnectionLost', '08P01')],
    ['InvalidInput', err('InvalidInput')],
    ['CredentialNotFound', err('CredentialNotFound')],
    ['AuthFailed without a code', err('AuthFailed')],
    ['a SQL error (42601 syntax_error)', err('QueryFailed', '42601')],
    ['ERR_TLS_CERT_ALTNAME_INVALID', err('ConnectionFailed', 'ERR_TLS_CERT_ALTNAME_INVALID')],
    ['SELF_SIGNED_CERT_IN_CHAIN', err('ConnectionFailed', 'SELF_SIGNED_CERT_IN_CHAIN')],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', err('ConnectionFailed', 'DEPTH_ZERO_SELF_SIGNED_CERT')],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', err('ConnectionFailed', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      err('ConnectionFailed', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'),
    ],
    ['CERT_HAS_EXPIRED', err('ConnectionFailed', 'CERT_HAS_EXPIRED')],
    ['a TLS failure on a lost connection', err('ConnectionLost', 'CERT_HAS_EXPIRED')],
  ])('does not retry %s', (_label, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  it('accepts a TuskError as well as its plain data', () => {
    const error = new TuskError(err('ConnectionLost', '57P01'));
    expect(isRetryable(error)).toBe(true);
    expect(isRetryable(TuskError.fromJSON(JSON.parse(JSON.stringify(error))))).toBe(true);
  });

  it('retries any class 08 SQLSTATE but 08P01, whatever the kind', () => {
    const class08 = fc.stringMatching(/^08[0-9A-Z]{3}$/).filter((code) => code !== '08P01');
    fc.assert(
      fc.property(fc.constantFrom(...errorKinds), class08, (kind, code) => {
        expect(isRetryable(err(kind, code))).toBe(true);
      }),
    );
  });

  it('never retries a permanent code, whatever the kind', () => {
    const permanent = fc.constantFrom(
      '28P01',
      '28000',
      '3D000',
      '08P01',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'SELF_SIGNED_CERT_IN_CHAIN',
    );
    fc.assert(
      fc.property(fc.constantFrom(...errorKinds), permanent, (kind, code) => {
        expect(isRetryable(err(kind, code))).toBe(false);
      }),
    );
  });
});

describe('isRetryable at the edges', () => {
  it('does not retry a SQLSTATE outside the retryable list, whatever the kind', () => {
    expect(
      isRetryable({
        kind: 'ConnectionFailed',
        message: 'permission denied for database',
        code: '42501',
      }),
    ).toBe(false);
  });

  it('retries a TLS handshake that only timed out', () => {
    expect(
      isRetryable({
        kind: 'ConnectionTimeout',
        message: 'handshake',
        code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
      }),
    ).toBe(true);
  });
});
