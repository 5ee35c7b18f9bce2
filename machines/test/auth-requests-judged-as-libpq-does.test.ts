import { describe, expect, it } from 'vitest';
import { type AuthPolicy, type AuthRequest, refuseAuthRequest } from '../libpq-auth.ts';

const prefer: AuthPolicy = { channelBinding: 'prefer' };
const require: AuthPolicy = { channelBinding: 'require' };
const sasl = (...mechanisms: string[]): AuthRequest => ({ kind: 'sasl', mechanisms });
const ok = (completedWith: 'scram-sha-256' | 'scram-sha-256-plus' | null): AuthRequest => ({
  kind: 'ok',
  completedWith,
  tls: true,
});

describe('require_auth, judged per request before anything is sent (fe-auth.c)', () => {
  it.each([
    ['scram-sha-256', { kind: 'password' }, 'server requested a cleartext password'],
    ['scram-sha-256', { kind: 'md5' }, 'server requested a hashed password'],
    ['password,md5', sasl('SCRAM-SHA-256'), 'server requested SASL authentication'],
    ['!password', { kind: 'password' }, 'server requested a cleartext password'],
    ['!scram-sha-256', sasl('SCRAM-SHA-256'), 'server requested SASL authentication'],
    ['scram-sha-256', ok(null), 'server did not complete authentication'],
    ['!none', ok(null), 'server did not complete authentication'],
  ] as [string, AuthRequest, string][])('%s refuses %j', (requireAuth, request, reason) => {
    expect(refuseAuthRequest({ ...prefer, requireAuth }, request, true)).toBe(
      `authentication method requirement "${requireAuth}" failed: ${reason}`,
    );
  });

  it.each([
    ['scram-sha-256', sasl('SCRAM-SHA-256')],
    ['scram-sha-256', ok('scram-sha-256')],
    ['!password,!md5', sasl('SCRAM-SHA-256')],
    ['none', ok(null)],
    ['md5,password', { kind: 'password' }],
    ['!none', ok('scram-sha-256')],
  ] as [string, AuthRequest][])('%s allows %j', (requireAuth, request) => {
    expect(refuseAuthRequest({ ...prefer, requireAuth }, request, true)).toBeNull();
  });

  it('a malformed list is refused with its own reason', () => {
    expect(refuseAuthRequest({ ...prefer, requireAuth: 'md5,md5' }, { kind: 'md5' }, true)).toBe(
      'require_auth method "md5" is specified more than once',
    );
  });
});

describe('channel_binding', () => {
  it('prefer and disable allow every method', () => {
    for (const request of [
      { kind: 'password' },
      sasl('SCRAM-SHA-256'),
      ok(null),
    ] as AuthRequest[]) {
      expect(refuseAuthRequest(prefer, request, false)).toBeNull();
      expect(refuseAuthRequest({ channelBinding: 'disable' }, request, false)).toBeNull();
    }
  });

  it.each([
    [
      { kind: 'password' },
      true,
      "channel binding required but not supported by server's authentication request",
    ],
    [
      { kind: 'md5' },
      true,
      "channel binding required but not supported by server's authentication request",
    ],
    [
      sasl('SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'),
      false,
      'channel binding required, but SSL not in use',
    ],
    [
      sasl('SCRAM-SHA-256'),
      true,
      'channel binding is required, but server did not offer an authentication method that supports channel binding',
    ],
    [
      ok(null),
      true,
      'channel binding required, but server authenticated client without channel binding',
    ],
    [
      ok('scram-sha-256'),
      true,
      'channel binding required, but server authenticated client without channel binding',
    ],
  ] as [AuthRequest, boolean, string][])('require refuses %j (TLS %s)', (request, tls, message) => {
    expect(refuseAuthRequest(require, request, tls)).toBe(message);
  });

  it('require allows SCRAM-SHA-256-PLUS over TLS, to the end', () => {
    expect(
      refuseAuthRequest(require, sasl('SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'), true),
    ).toBeNull();
    expect(refuseAuthRequest(require, ok('scram-sha-256-plus'), true)).toBeNull();
  });
});
