import { TuskError, type TuskErrorData } from '../../machines/errors.ts';

/**
 * Where an error happened decides its kind: the same ECONNRESET is a failed connect while the
 * session is being opened, but a lost connection once it was established (and queries may have
 * run).
 */
export type ErrorPhase = 'connect' | 'established';

export interface MapOptions {
  /** `host:port`, to say where a connect failed. Never a connection string. */
  target?: string;
  /** The session's password, scrubbed from every text as a last line of defence. */
  secret?: string;
}

/** The fields node-postgres and Node put on their errors; all optional. */
interface PgLikeError {
  message?: unknown;
  code?: unknown;
  severity?: unknown;
  detail?: unknown;
  hint?: unknown;
  position?: unknown;
}

const sqlstate = /^[0-9A-Z]{5}$/;
const unreachable = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ECONNABORTED',
]);
const broken = new Set(['ECONNRESET', 'EPIPE']);
// The server ending a session: admin shutdown, crash recovery, "cannot connect now".
const serverGone = new Set(['57P01', '57P02', '57P03']);
// Node's TLS verification failures, as machines/errors.ts classifies them (permanent).
const tlsVerification = /CERT|^ERR_TLS_|^UNABLE_TO_|^DEPTH_ZERO/;
// Messages node-postgres uses, without a code, when the socket went away.
const terminated = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
const pgTimeouts = [
  'timeout expired',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

// Scrubbing a one-letter password would shred every message while protecting nothing.
const MIN_SCRUBBED_LENGTH = 4;

function scrub(value: string, secret: string | undefined): string {
  if (!secret || secret.length < MIN_SCRUBBED_LENGTH) return value;
  return value.split(secret).join('[redacted]');
}

/** A SQLSTATE error that says the connection, not the statement, is done for. */
export function isConnectionSqlstate(code: string): boolean {
  return serverGone.has(code) || code.startsWith('08');
}

/** Whether `error` carries a SQLSTATE from the server (a pg DatabaseError). */
export function hasSqlstate(error: unknown): error is Error & { code: string } {
  const code = (error as PgLikeError | null)?.code;
  return typeof code === 'string' && sqlstate.test(code) && 'severity' in (error as object);
}

/**
 * Turns whatever pg, pg-pool, Node's net/tls or our own code threw into a TuskError with a kind
 * the machine can classify (see isRetryable). The original is kept as `cause` for debugging;
 * it never crosses IPC (toJSON drops it).
 */
export function toTuskError(error: unknown, phase: ErrorPhase, opts: MapOptions = {}): TuskError {
  if (error instanceof TuskError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgLikeError;
  const raw = text(e.message) ?? (typeof error === 'string' ? error : 'Unknown error');
  const code = text(e.code);
  const where = opts.target ? ` (${opts.target})` : '';
  const make = (data: TuskErrorData) =>
    new TuskError(
      {
        ...data,
        message: scrub(data.message, opts.secret),
        ...(data.detail ? { detail: scrub(data.detail, opts.secret) } : {}),
        ...(data.hint ? { hint: scrub(data.hint, opts.secret) } : {}),
      },
      { cause: error },
    );

  if (code && hasSqlstate(error)) return fromSqlstate(e, code, raw, phase, make);

  if (code && unreachable.has(code)) {
    return make({
      kind: 'ConnectionFailed',
      code,
      message: `Cannot reach the server${where}: ${raw}`,
    });
  }
  if (code === 'ETIMEDOUT' || pgTimeouts.some((m) => raw.startsWith(m))) {
    return make({
      kind: 'ConnectionTimeout',
      ...(code ? { code } : {}),
      message: `The server did not answer in time${where}: ${raw}`,
    });
  }
  if (code && tlsVerification.test(code)) {
    return make({
      kind: 'ConnectionFailed',
      code,
      message: `TLS verification failed${where}: ${raw}`,
    });
  }
  if (raw === 'The server does not support SSL connections') {
    return make({
      kind: 'ConnectionFailed',
      code: 'TLS_UNSUPPORTED',
      message: `The server does not accept TLS connections${where}, but the SSL mode requires TLS`,
    });
  }
  if ((code && broken.has(code)) || terminated.includes(raw)) {
    return phase === 'established'
      ? make({
          kind: 'ConnectionLost',
          ...(code ? { code } : {}),
          message: `Connection lost: ${raw}`,
        })
      : make({
          kind: 'ConnectionFailed',
          ...(code ? { code } : {}),
          message: `The connection was closed while connecting${where}: ${raw}`,
        });
  }
  if (code?.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return make({
      kind: 'ConnectionFailed',
      code,
      message: `TLS handshake failed${where}: ${raw}`,
    });
  }
  return make({
    kind: phase === 'established' ? 'ConnectionLost' : 'ConnectionFailed',
    ...(code ? { code } : {}),
    message:
      phase === 'established' ? `Connection error: ${raw}` : `Cannot connect${where}: ${raw}`,
  });
}

/**
 * PgBouncer answers every failure of its own with SQLSTATE 08P01 (protocol violation), which
 * alone would make a wrong password a non-retryable "protocol" error without a hint, and a full
 * pooler as permanent as a bad password. Its messages say what happened; each gets the SQLSTATE
 * PostgreSQL sends for the same situation, and a hint in the pooler's terms.
 */
const poolerMessages: { pattern: RegExp; code: string; hint: (m: RegExpExecArray) => string }[] = [
  {
    pattern: /^(SASL|password|"trust"|certificate|SCRAM) authentication failed/,
    code: '28P01',
    hint: () =>
      "The connection pooler (PgBouncer) refused the login: check the password, and that the user is in the pooler's auth_file (or found by its auth_query)",
  },
  {
    pattern: /^no such database: (.*)$/,
    code: '3D000',
    hint: (m) =>
      `The connection pooler has no database "${m[1]}" in its [databases] section (and no \`*\` fallback): check the name, or add it to the pooler's configuration`,
  },
  {
    pattern: /^database "(.*)" does not exist$/,
    code: '3D000',
    hint: (m) =>
      `Database "${m[1]}" does not exist on the server behind the connection pooler; check the name (case matters) or create it`,
  },
  {
    pattern: /^unsupported startup parameter: (\S+)/,
    code: '08P01',
    hint: (m) =>
      `The connection pooler refuses the startup parameter ${m[1]}: add it to ignore_startup_parameters in the pooler's configuration, or connect to PostgreSQL directly`,
  },
  {
    pattern: /^no more connections allowed \(max_client_conn\)/,
    code: '53300',
    hint: () =>
      'The connection pooler is at its max_client_conn: close other clients of it, or raise max_client_conn',
  },
  {
    pattern:
      /server login has been failing|^pgbouncer cannot connect to server|\(server down\)|^query_wait_timeout/,
    code: '08001',
    hint: () =>
      "The connection pooler cannot reach or log in to PostgreSQL just now (after a failed server login it waits server_login_retry seconds): check that the server is up, and the pooler's credentials for it",
  },
];

/** A PgBouncer message recognised and re-coded by fromSqlstate (its `detail` says so). */
export const POOLER_DETAIL = 'Sent by the connection pooler (PgBouncer) with SQLSTATE 08P01';

function poolerMessage(message: string): { code: string; hint: string } | null {
  for (const known of poolerMessages) {
    const match = known.pattern.exec(message);
    if (match) return { code: known.code, hint: known.hint(match) };
  }
  return null;
}

function fromSqlstate(
  e: PgLikeError,
  sent: string,
  message: string,
  phase: ErrorPhase,
  make: (data: TuskErrorData) => TuskError,
): TuskError {
  let code = sent;
  let extra: { detail?: string; hint?: string } = {
    ...(text(e.detail) ? { detail: text(e.detail) } : {}),
    ...(text(e.hint) ? { hint: text(e.hint) } : {}),
  };
  const pooler = code === '08P01' ? poolerMessage(message) : null;
  if (pooler) {
    code = pooler.code;
    extra = { detail: POOLER_DETAIL, hint: pooler.hint, ...extra };
  }
  if (code === '28P01' || code === '28000') {
    return make({ kind: 'AuthFailed', code, message, ...extra });
  }
  if (code === '3D000' || code === '53300') {
    return make({ kind: 'ConnectionFailed', code, message, ...extra });
  }
  // FATAL/PANIC end the session whatever the code (idle_session_timeout is 57P05, for one).
  const fatal = e.severity === 'FATAL' || e.severity === 'PANIC';
  if (isConnectionSqlstate(code) || (phase === 'established' && fatal)) {
    return make({
      kind: phase === 'established' ? 'ConnectionLost' : 'ConnectionFailed',
      code,
      message,
      ...extra,
    });
  }
  const position = Number(e.position);
  return make({
    // A statement error while opening (our own verification query) still means "cannot connect".
    kind: phase === 'established' ? 'QueryFailed' : 'ConnectionFailed',
    code,
    message,
    ...extra,
    ...(Number.isInteger(position) && position > 0 ? { position } : {}),
  });
}

/** For a query that broke after it was sent: it may have run, so it is never retried. */
export function lostDuringQuery(error: unknown, opts: MapOptions = {}): TuskError {
  const mapped = toTuskError(error, 'established', opts);
  if (mapped.kind === 'ConnectionLost') return mapped;
  return new TuskError(
    {
      ...mapped.toJSON(),
      kind: 'ConnectionLost',
      message: `The connection was lost while the query ran; it may or may not have been applied (${mapped.message})`,
    },
    { cause: error },
  );
}

export const notConnected = (reason?: TuskError | null): TuskError =>
  new TuskError(
    {
      kind: 'NotConnected',
      message: reason
        ? `Not connected: ${reason.message}`
        : 'Not connected: the session is closed; the query was not sent',
    },
    reason ? { cause: reason } : {},
  );
