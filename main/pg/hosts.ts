import type { ConnectionConfig, HostPort, TargetSessionAttrs } from '../../machines/config.ts';
import { isRetryable, TuskError } from '../../machines/errors.ts';
import { toTuskError } from './errors.ts';

/*
 * Multi-host connections as libpq 16 makes them (DESIGN.md, "PostgreSQL conventions"): the
 * hosts in order (shuffled with load_balance_hosts=random), each attempt bounded by
 * connectTimeoutSec, each server judged by its own role against target_session_attrs. A
 * session is opened on one host and all its clients go there (see `atHost`).
 */

/** The order to try the hosts in, for one connect: libpq shuffles once per connect. */
export function hostOrder(config: ConnectionConfig, random = Math.random): HostPort[] {
  const hosts = [...(config.hosts ?? [{ host: config.host, port: config.port }])];
  if (config.options.loadBalanceHosts !== 'random') return hosts;
  for (let i = hosts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [hosts[i], hosts[j]] = [hosts[j]!, hosts[i]!];
  }
  return hosts;
}

/** The config a session on one host runs with: its host and port are the host it reached. */
export const atHost = (config: ConnectionConfig, host: HostPort): ConnectionConfig => ({
  ...config,
  host: host.host,
  port: host.port,
});

export const describeHost = ({ host, port }: HostPort): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/** What the server says of itself; one round trip, so it can ride on the keepalive ping. */
export const ROLE_SQL =
  'select pg_catalog.pg_is_in_recovery() as in_recovery, ' +
  "current_setting('default_transaction_read_only') as default_read_only";
export const ROLE_PING_SQL = `${ROLE_SQL} /* tusk keepalive */`;

export interface ServerRole {
  /** In hot standby (recovery). */
  standby: boolean;
  /** Sessions default to read-only: a standby, or `default_transaction_read_only` on. */
  readOnly: boolean;
}

/**
 * The server's role from ROLE_SQL's row. With this connection's own `readonly` option, the
 * startup options set default_transaction_read_only for the session, hiding the server's own
 * value; the server is then judged read-only by recovery alone (documented limitation), so a
 * read-only Tusk connection is never mistaken for a read-only server.
 */
export function toRole(row: Record<string, unknown> | undefined, ownReadonly: boolean): ServerRole {
  const standby = row?.in_recovery === true;
  const defaultOn = row?.default_read_only === 'on';
  return { standby, readOnly: standby || (defaultOn && !ownReadonly) };
}

/** libpq's reason a server does not serve `target`, in libpq's words; null when it does. */
export function mismatch(target: TargetSessionAttrs, role: ServerRole): string | null {
  switch (target) {
    case 'read-write':
      return role.readOnly ? 'session is read-only' : null;
    case 'read-only':
      return role.readOnly ? null : 'session is not read-only';
    case 'primary':
      return role.standby ? 'server is in hot standby mode' : null;
    case 'standby':
      return role.standby ? null : 'server is not in hot standby mode';
    default:
      return null;
  }
}

/**
 * The target a live session must keep matching, for the keepalive ping: prefer-standby and any
 * accept whatever they got. A read-write session whose server went into recovery is lost.
 */
export const keptTarget = (target: TargetSessionAttrs): TargetSessionAttrs | null =>
  target === 'any' || target === 'prefer-standby' ? null : target;

export const targetMismatch = (config: ConnectionConfig, why: string, lost = false) =>
  new TuskError({
    kind: lost ? 'ConnectionLost' : 'ConnectionFailed',
    code: 'TARGET_MISMATCH',
    message: `${describeHost(config)} does not match target_session_attrs=${config.options.targetSessionAttrs}: ${why}`,
  });

/** What each pass asks of a server: prefer-standby looks for a standby first, then takes any. */
export const targetPasses = (target: TargetSessionAttrs): TargetSessionAttrs[] =>
  target === 'prefer-standby' ? ['standby', 'any'] : [target];

/**
 * Opens on the first host that accepts and matches, trying each in order (each pass, for
 * prefer-standby). `openAt` opens a session on one host, checks it against the pass's target
 * and closes it when it fails. With one host and one pass its error is passed on as it is; with
 * more, the error names each host and why it failed. It is retryable (a reconnect goes on
 * trying, with backoff) unless every host failed for a reason retrying cannot fix.
 */
export async function openMatching<S>(
  config: ConnectionConfig,
  signal: AbortSignal,
  openAt: (at: ConnectionConfig, target: TargetSessionAttrs) => Promise<S>,
): Promise<S> {
  const order = hostOrder(config);
  const failures: { host: HostPort; error: TuskError }[] = [];
  for (const target of targetPasses(config.options.targetSessionAttrs)) {
    for (const host of order) {
      try {
        return await openAt(atHost(config, host), target);
      } catch (error) {
        if (signal.aborted) throw error;
        failures.push({ host, error: toTuskError(error, 'connect') });
      }
    }
  }
  const [first] = failures;
  if (failures.length === 1 && first) throw first.error;
  const list = failures.map(({ host, error }) =>
    error.message.includes(describeHost(host))
      ? error.message
      : `${describeHost(host)}: ${error.message}`,
  );
  const permanent = failures.every(({ error }) => !isRetryable(error.toJSON()));
  const mismatched = failures.every(({ error }) => error.code === 'TARGET_MISMATCH');
  throw new TuskError(
    {
      kind: permanent && first ? first.error.kind : 'ConnectionFailed',
      ...(permanent && first?.error.code
        ? { code: first.error.code }
        : mismatched
          ? { code: 'TARGET_MISMATCH' }
          : {}),
      message: `No host could serve target_session_attrs=${config.options.targetSessionAttrs}: ${list.join('; ')}`,
    },
    { cause: first?.error },
  );
}
