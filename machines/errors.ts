export const errorKinds = [
  'InvalidInput',
  'ConnectionFailed',
  'ConnectionTimeout',
  'ConnectionLost',
  'AuthFailed',
  'CredentialNotFound',
  'QueryFailed',
  'NotConnected',
  'Storage',
  /** The SSH server's host key is in no known-hosts file: the user must accept it first. */
  'HostKeyUnknown',
  /** The SSH server's host key differs from the known one: refused, never accepted silently. */
  'HostKeyChanged',
] as const;

export type TuskErrorKind = (typeof errorKinds)[number];

/** The plain, serialisable form of a TuskError: what crosses IPC and what a snapshot holds. */
export interface TuskErrorData {
  kind: TuskErrorKind;
  message: string;
  /** SQLSTATE from PostgreSQL, or a Node error code such as ECONNREFUSED. */
  code?: string;
  detail?: string;
  hint?: string;
  position?: number;
  /** The config field an InvalidInput error is about, dotted (`options.poolMax`). */
  field?: string;
  /** The file a Storage error is about. */
  path?: string;
  /** The SSH host key a HostKeyUnknown/HostKeyChanged error is about, `SHA256:...` as OpenSSH prints it. */
  fingerprint?: string;
}

const optionalKeys = [
  'code',
  'detail',
  'hint',
  'position',
  'field',
  'path',
  'fingerprint',
] as const;

export class TuskError extends Error {
  readonly kind: TuskErrorKind;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
  readonly field?: string;
  readonly path?: string;
  readonly fingerprint?: string;

  constructor(data: TuskErrorData, options?: { cause?: unknown }) {
    super(data.message, options);
    this.name = 'TuskError';
    this.kind = data.kind;
    for (const key of optionalKeys) {
      if (data[key] !== undefined) Object.assign(this, { [key]: data[key] });
    }
  }

  toJSON(): TuskErrorData {
    const data: TuskErrorData = { kind: this.kind, message: this.message };
    for (const key of optionalKeys) {
      if (this[key] !== undefined) Object.assign(data, { [key]: this[key] });
    }
    return data;
  }

  /** Rebuilds an error that crossed IPC; anything unrecognisable becomes a generic error. */
  static fromJSON(value: unknown): TuskError {
    const data = withoutNulls(value);
    if (!isTuskErrorData(data)) {
      return new TuskError({ kind: 'ConnectionFailed', message: 'Malformed error received' });
    }
    return new TuskError(data);
  }
}

/** JSON turns an absent field or a NaN position into null; read those as absent. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

export function isTuskErrorData(value: unknown): value is TuskErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    (errorKinds as readonly unknown[]).includes(v.kind) &&
    optionalKeys.every(
      (k) => v[k] === undefined || typeof v[k] === (k === 'position' ? 'number' : 'string'),
    )
  );
}

// SQLSTATEs that mean "the server or the path to it is unavailable for now"; see DESIGN.md.
const retryableCodes = new Set(['57P01', '57P02', '57P03', '53300']);
// SETTINGS_NOT_APPLIED: the server or a pooler ignored read-only or statement_timeout; asking
// again gets the same unsafe session.
const permanentCodes = new Set([
  '28P01',
  '28000',
  '3D000',
  '08P01',
  'TLS_UNSUPPORTED',
  'SETTINGS_NOT_APPLIED',
  'SSH_AUTH_FAILED',
]);
// Node's TLS verification failures (ERR_TLS_CERT_ALTNAME_INVALID, SELF_SIGNED_CERT_IN_CHAIN, ...);
// a handshake that merely timed out is a network problem and may be retried.
const tlsVerification = /CERT|^ERR_TLS_(?!HANDSHAKE_TIMEOUT)|^UNABLE_TO_|^DEPTH_ZERO/;
const sqlstate = /^[0-9A-Z]{5}$/;

/**
 * Whether reconnecting could help. Bad credentials, a missing database, protocol violations
 * and TLS verification failures are permanent: retrying them only hammers the server. So are
 * SSH logins refused (`SSH_AUTH_FAILED`) and host keys not trusted (HostKeyUnknown,
 * HostKeyChanged: a question for the user; the server presents the same key again), while a
 * refused or reset SSH connection is a ConnectionFailed like any other.
 */
export function isRetryable(error: TuskErrorData): boolean {
  if (error.code && (permanentCodes.has(error.code) || tlsVerification.test(error.code))) {
    return false;
  }
  if (error.code && (retryableCodes.has(error.code) || error.code.startsWith('08'))) return true;
  // Any other SQLSTATE came from a server that answered: asking again gets the same answer.
  if (error.code && sqlstate.test(error.code)) return false;
  return (
    error.kind === 'ConnectionFailed' ||
    error.kind === 'ConnectionTimeout' ||
    error.kind === 'ConnectionLost'
  );
}

/** Whatever an effect rejected with, as plain data a snapshot may hold. */
export function toErrorData(error: unknown): TuskErrorData {
  if (error instanceof TuskError) return error.toJSON();
  if (isTuskErrorData(error)) return new TuskError(error).toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'ConnectionFailed', message: message || 'Unknown error' };
}
