import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../machines/errors.ts';
import { lostDuringQuery, toTuskError } from '../errors.ts';

/** A pg DatabaseError as node-postgres builds it from an ErrorResponse. */
const dbError = (code: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(String(fields.message ?? `error ${code}`)), {
    code,
    severity: 'ERROR',
    ...fields,
  });
const nodeError = (code: string, message = `connect ${code} 10.0.0.1:5432`) =>
  Object.assign(new Error(message), { code });

describe('toTuskError', () => {
  it('keeps a SQL error whole: code, detail, hint and position as a number', () => {
    const error = toTuskError(
      dbError('42703', {
        message: 'column "x" does not exist',
        hint: 'Perhaps "y"?',
        detail: 'd',
        position: '8',
      }),
      'established',
    );
    expect(error.toJSON()).toEqual({
      kind: 'QueryFailed',
      message: 'column "x" does not exist',
      code: '42703',
      detail: 'd',
      hint: 'Perhaps "y"?',
      position: 8,
    });
  });

  it.each([
    ['28P01', 'connect', 'AuthFailed'],
    ['28000', 'connect', 'AuthFailed'],
    ['3D000', 'connect', 'ConnectionFailed'],
    ['53300', 'connect', 'ConnectionFailed'],
    ['57P03', 'connect', 'ConnectionFailed'],
    ['57P01', 'established', 'ConnectionLost'],
    ['08006', 'established', 'ConnectionLost'],
  ] as const)('SQLSTATE %s while %s is %s', (code, phase, kind) => {
    expect(toTuskError(dbError(code), phase)).toMatchObject({ kind, code });
  });

  it('a FATAL on an established connection is a loss whatever its code', () => {
    expect(toTuskError(dbError('57P05', { severity: 'FATAL' }), 'established')).toMatchObject({
      kind: 'ConnectionLost',
      code: '57P05',
    });
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH'])(
    '%s is ConnectionFailed, retryable',
    (code) => {
      const error = toTuskError(nodeError(code), 'connect', { target: 'db:5432' });
      expect(error).toMatchObject({ kind: 'ConnectionFailed', code });
      expect(error.message).toContain('db:5432');
      expect(isRetryable(error.toJSON())).toBe(true);
    },
  );

  it.each([
    [nodeError('ETIMEDOUT'), 'ConnectionTimeout'],
    [new Error('timeout expired'), 'ConnectionTimeout'],
    [new Error('Connection terminated due to connection timeout'), 'ConnectionTimeout'],
  ] as const)('%s is a timeout', (error, kind) => {
    expect(toTuskError(error, 'connect').kind).toBe(kind);
  });

  it('a broken socket is a loss once established, a failed connect before', () => {
    for (const error of [
      nodeError('ECONNRESET', 'read ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(toTuskError(error, 'established').kind).toBe('ConnectionLost');
      expect(toTuskError(error, 'connect').kind).toBe('ConnectionFailed');
    }
  });

  it('TLS: verification failures keep the Node code and are permanent; no TLS is TLS_UNSUPPORTED', () => {
    const altname = toTuskError(
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', 'Hostname/IP does not match'),
      'connect',
    );
    expect(altname).toMatchObject({
      kind: 'ConnectionFailed',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(isRetryable(altname.toJSON())).toBe(false);
    const none = toTuskError(new Error('The server does not support SSL connections'), 'connect');
    expect(none).toMatchObject({ kind: 'ConnectionFailed', code: 'TLS_UNSUPPORTED' });
    expect(isRetryable(none.toJSON())).toBe(false);
  });

  it('scrubs the password from every text it carries', () => {
    const secret = 'hunter2-secret';
    const error = toTuskError(
      dbError('XX000', { message: `oops ${secret}`, detail: secret, hint: `a${secret}b` }),
      'established',
      { secret },
    );
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  });

  it('a query that broke after it was sent is ConnectionLost, saying it may have run', () => {
    const error = lostDuringQuery(new Error('Connection terminated unexpectedly'));
    expect(error.kind).toBe('ConnectionLost');
    expect(lostDuringQuery(dbError('42601')).message).toMatch(/may or may not have been applied/);
  });
});
