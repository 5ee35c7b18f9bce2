import type pg from 'pg';
import type { ConnectionOptions } from '../../machines/config.ts';
import type { ServerInfo, SessionSettings } from '../../machines/connection.types.ts';
import { TuskError } from '../../machines/errors.ts';

/**
 * What every physical connection must run with. `undefined` means "not ours to decide": a
 * connection that is not read-only does not force read-write (a DBA's read-only role default
 * stays), and without a statement timeout the server's default applies.
 */
export interface ExpectedSettings {
  readonly: boolean;
  statementTimeoutMs: number | undefined;
}

export const expectedSettings = (o: ConnectionOptions): ExpectedSettings => ({
  readonly: o.readonly,
  statementTimeoutMs: o.statementTimeoutMs,
});

/**
 * The startup `options` packet (libpq's PGOPTIONS). Startup options, unlike a `SET` on the first
 * client, apply to every connection the pool ever opens. Only validated integers and fixed words
 * go in: nothing a user typed is interpolated.
 */
export function startupOptions(expected: ExpectedSettings): string | undefined {
  const parts: string[] = [];
  if (expected.readonly) parts.push('-c default_transaction_read_only=on');
  const ms = expected.statementTimeoutMs;
  if (ms !== undefined) {
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new TuskError({
        kind: 'InvalidInput',
        field: 'options.statementTimeoutMs',
        message: 'statementTimeoutMs must be a whole number of milliseconds',
      });
    }
    parts.push(`-c statement_timeout=${ms}`);
  }
  return parts.length ? parts.join(' ') : undefined;
}

/**
 * Run on every new physical connection before it is used. `pid` tells a pooler apart from the
 * server: PostgreSQL's BackendKeyData carries the backend's own pid, a pooler's (PgBouncer's)
 * a random key of its own.
 */
export const VERIFY_SQL =
  "select current_setting('default_transaction_read_only') as readonly, " +
  "current_setting('statement_timeout') as statement_timeout, pg_backend_pid() as pid";

/** A pooler that takes no startup `options` (PgBouncer without `ignore_startup_parameters`). */
export const refusesStartupOptions = (error: unknown): boolean =>
  error instanceof Error && /unsupported startup parameter: options\b/.test(error.message);

/**
 * Behind a pooler the settings are enforced per transaction (see guard.ts): what opens one, and
 * what re-asserts them before each statement inside a transaction that is already open. Only
 * validated integers and fixed words go in.
 */
export function transactionSql(expected: ExpectedSettings): { begin: string; inside: string } {
  const timeout =
    expected.statementTimeoutMs === undefined
      ? []
      : [`SET LOCAL statement_timeout = ${Math.trunc(expected.statementTimeoutMs)}`];
  const begin = [expected.readonly ? 'BEGIN READ ONLY' : 'BEGIN', ...timeout].join('; ');
  const inside = [...timeout, ...(expected.readonly ? ['SHOW transaction_read_only'] : [])];
  return { begin, inside: inside.join('; ') };
}

/** Whether anything must be enforced at all. */
export const enforcesAnything = (expected: ExpectedSettings): boolean =>
  expected.readonly || expected.statementTimeoutMs !== undefined;

/** Run once per session on the control connection; its answer is the machine's SessionSettings. */
export const SHOW_SQL =
  'SHOW default_transaction_read_only; SHOW statement_timeout; SHOW application_name';

const units: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a GUC time as SHOW prints it (`0`, `500ms`, `2s`, `1min`, `1h`, `1d`) into ms. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(value.trim());
  if (!match) throw new Error(`unrecognised duration ${JSON.stringify(value)}`);
  return Number(match[1]) * (units[match[2] ?? 'ms'] ?? 1);
}

const isOn = (value: string) => value === 'on' || value === 'true';

/**
 * Compares what the server reports with what was asked for. A mismatch means something between
 * us and PostgreSQL (typically a transaction pooler) dropped the startup options; this tool is
 * trusted with production databases, so such a connection is refused rather than used.
 */
export function checkSettings(
  actual: { readonly: string; statement_timeout: string },
  expected: ExpectedSettings,
): TuskError | null {
  const problems: string[] = [];
  if (expected.readonly && !isOn(actual.readonly)) {
    problems.push(`default_transaction_read_only is ${actual.readonly}, expected on`);
  }
  const ms = expected.statementTimeoutMs;
  if (ms !== undefined && parseDurationMs(actual.statement_timeout) !== ms) {
    problems.push(`statement_timeout is ${actual.statement_timeout}, expected ${ms}ms`);
  }
  if (!problems.length) return null;
  return new TuskError({
    kind: 'ConnectionFailed',
    code: 'SETTINGS_NOT_APPLIED',
    message:
      `The server did not apply the session settings (${problems.join('; ')}), and nothing ` +
      'shows a connection pooler in between that they could be enforced through instead; ' +
      'the connection was refused. Connect to PostgreSQL directly, or turn off read-only and ' +
      'the statement timeout for this connection.',
  });
}

/** The first value of each SHOW_SQL result, in order: read-only, statement timeout, app name. */
export const shownValues = (results: pg.QueryResult[]): string[] =>
  results.map((r) => String(Object.values(r.rows[0] ?? {})[0] ?? ''));

/** Reads the three SHOW results into the machine's SessionSettings. */
export function toSessionSettings(
  readonly: string,
  statementTimeout: string,
  applicationName: string,
): SessionSettings {
  return {
    readonly: isOn(readonly),
    statementTimeoutMs: parseDurationMs(statementTimeout),
    applicationName,
  };
}

/**
 * What readServerInfo reports; `ssl` and `pid` are about the connection it runs on: the
 * session's first physical connection (the pool's first client), in its verify flight.
 */
export const SERVER_INFO_SQL = `select version() as version,
  current_setting('server_version_num') as version_num, current_database() as database,
  current_user as "user", pg_backend_pid() as pid, pg_postmaster_start_time() as started_at,
  coalesce((select ssl from pg_stat_get_activity(pg_backend_pid())), false) as ssl`;

export function toServerInfo(row: Record<string, unknown>): ServerInfo {
  return {
    version: String(row.version),
    serverVersionNum: Number(row.version_num),
    currentDatabase: String(row.database),
    currentUser: String(row.user),
    backendPid: Number(row.pid),
    startedAt: new Date(row.started_at as Date).toISOString(),
    ssl: row.ssl === true,
  };
}
