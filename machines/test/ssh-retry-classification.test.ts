import { describe, expect, it } from 'vitest';
import { isRetryable, type TuskErrorData } from '../errors.ts';

// DESIGN.md, "SSH tunnels" and issue 14: a refused or reset SSH connection may be retried; a
// refused login or an untrusted host key may not (the server answers the same way again).
const err = (kind: TuskErrorData['kind'], code?: string, fingerprint?: string): TuskErrorData => ({
  kind,
  message: 'm',
  ...(code && { code }),
  ...(fingerprint && { fingerprint }),
});
const FP = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('isRetryable, for SSH tunnels', () => {
  it.each([
    ['an SSH server refusing the TCP connection', err('ConnectionFailed', 'ECONNREFUSED')],
    ['an SSH connection reset', err('ConnectionFailed', 'ECONNRESET')],
    ['an SSH handshake timing out', err('ConnectionTimeout', 'SSH_TIMEOUT')],
    ['an open tunnel closing', err('ConnectionLost', 'SSH_CLOSED')],
    ['an open tunnel missing its keepalives', err('ConnectionLost', 'SSH_KEEPALIVE')],
    [
      'the SSH server failing to reach the database',
      err('ConnectionFailed', 'SSH_CHANNEL_OPEN_FAILED'),
    ],
  ])('retries %s', (_, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['a refused SSH login', err('AuthFailed', 'SSH_AUTH_FAILED')],
    ['a refused SSH login, whatever the kind', err('ConnectionFailed', 'SSH_AUTH_FAILED')],
    ['an unknown host key', err('HostKeyUnknown', undefined, FP)],
    ['a changed host key', err('HostKeyChanged', undefined, FP)],
  ])('does not retry %s', (_, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});
