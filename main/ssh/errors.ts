import { TuskError } from '../../machines/errors.ts';

/** The fields ssh2 and Node put on their errors. */
interface Ssh2Error {
  message?: unknown;
  code?: unknown;
  level?: unknown;
}

const unreachable = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** A text that may hold a secret only by accident, scrubbed as a last line of defence. */
function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * Whatever ssh2 or the socket under it reported while the tunnel opened, as a TuskError:
 * refused or reset is a retryable ConnectionFailed, a handshake that took too long a
 * ConnectionTimeout, a refused login or an unreadable key a permanent AuthFailed.
 */
export function toSshError(
  error: unknown,
  where: { target: string; username: string; timeoutSec: number },
  secrets: readonly (string | undefined)[] = [],
): TuskError {
  if (error instanceof TuskError) return error;
  const e = (error ?? {}) as Ssh2Error;
  const raw = scrub(typeof e.message === 'string' ? e.message : String(error), secrets);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const cause = { cause: error };
  if (e.level === 'client-authentication') {
    return new TuskError(
      {
        kind: 'AuthFailed',
        code: 'SSH_AUTH_FAILED',
        message: `The SSH server ${where.target} refused the login of ${where.username}`,
      },
      cause,
    );
  }
  if (e.level === 'client-timeout') {
    return new TuskError(
      {
        kind: 'ConnectionTimeout',
        code: 'SSH_TIMEOUT',
        message: `The SSH handshake with ${where.target} did not finish within ${where.timeoutSec} s`,
      },
      cause,
    );
  }
  if (/privateKey|passphrase|private key/i.test(raw)) {
    return new TuskError(
      {
        kind: 'AuthFailed',
        code: 'SSH_AUTH_FAILED',
        message: `The SSH private key could not be used: ${raw}`,
      },
      cause,
    );
  }
  if (code && unreachable.has(code)) {
    return new TuskError(
      {
        kind: 'ConnectionFailed',
        code,
        message: `Cannot reach the SSH server ${where.target}: ${raw}`,
      },
      cause,
    );
  }
  return new TuskError(
    {
      kind: 'ConnectionFailed',
      ...(code ? { code } : {}),
      message: `The SSH connection to ${where.target} failed: ${raw}`,
    },
    cause,
  );
}
