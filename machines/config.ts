import { z } from 'zod';
import { checkLibpqFields, libpqFields } from './config-libpq.ts';
import { TuskError } from './errors.ts';

export {
  type PasswordCommand,
  PasswordCommandSchema,
  SYSTEM_ROOTS,
  sslCertModes,
  type TlsVersion,
  tlsVersions,
} from './config-libpq.ts';

export const DEFAULTS = {
  port: 5432,
  applicationName: 'Tusk',
  connectTimeoutSec: 10,
  keepaliveIntervalSec: 60,
  poolMax: 10,
  maxReconnectAttempts: 20,
  backoff: { initialMs: 100, maxMs: 10_000 },
} as const;

// Postgres truncates application_name to NAMEDATALEN-1 bytes and replaces non-ASCII with '?'.
const MAX_APPLICATION_NAME_BYTES = 63;
// C0, DEL and C1 (U+0080-U+009F): NEL (U+0085) is a line break that \s and trim() do not catch.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject them
const controlChars = /[\u0000-\u001f\u007f-\u009f]/;
// Invisible format characters (zero-width space, bidi marks, BOM) make a host look right and
// resolve wrong.
const invisibleChars = /[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;
const hostLike = (s: string) => !/\s/.test(s) && !controlChars.test(s) && !invisibleChars.test(s);
const printableAscii = /^[\x20-\x7e]*$/;
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

const required = (what: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${what} is required` : `${what} must be text`,
    })
    .trim()
    .min(1, { error: `${what} is required` })
    .refine((s) => !controlChars.test(s), { error: `${what} must not contain control characters` });

const seconds = (what: string, max: number) =>
  z
    .int({ error: `${what} must be a whole number of seconds` })
    .min(0, { error: `${what} must not be negative` })
    .max(max, { error: `${what} must be at most ${max}` });

export const connectionStatuses = [
  'disconnected',
  'connecting',
  'connected',
  'reconnecting',
  'error',
] as const;
export const ConnectionStatusSchema = z.enum(connectionStatuses);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

export const sslModes = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export const SslModeSchema = z.enum(sslModes, {
  error: `sslMode must be one of ${sslModes.join(', ')}`,
});
export type SslMode = z.infer<typeof SslModeSchema>;

/**
 * libpq's `sslnegotiation`: `postgres` asks first (SSLRequest, one round trip), `direct` starts
 * the TLS handshake at once (PostgreSQL 17 and later; ALPN `postgresql`).
 */
export const sslNegotiations = ['postgres', 'direct'] as const;
export const SslNegotiationSchema = z.enum(sslNegotiations, {
  error: `sslNegotiation must be one of ${sslNegotiations.join(', ')}`,
});
export type SslNegotiation = z.infer<typeof SslNegotiationSchema>;

export const targetSessionAttrs = [
  'any',
  'read-write',
  'read-only',
  'primary',
  'standby',
  'prefer-standby',
] as const;
export type TargetSessionAttrs = (typeof targetSessionAttrs)[number];

export const environments = ['development', 'staging', 'production'] as const;
export type Environment = (typeof environments)[number];

const portSchema = (what: string) =>
  z
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: `${what} must be between 1 and 65535` })
    .max(65535, { error: `${what} must be between 1 and 65535` });

export const HostPortSchema = z.object({
  host: z
    .string({ error: 'host must be text' })
    .trim()
    .min(1, { error: 'host is required' })
    .refine(hostLike, { error: 'host must not contain whitespace or invisible characters' }),
  port: portSchema('port').default(DEFAULTS.port),
});
export type HostPort = z.infer<typeof HostPortSchema>;

export const ConnectionOptionsSchema = z.object({
  applicationName: z
    .string({ error: 'applicationName must be text' })
    .refine((s) => printableAscii.test(s), {
      error: 'applicationName must be printable ASCII',
    })
    .refine((s) => utf8Bytes(s) <= MAX_APPLICATION_NAME_BYTES, {
      error: `applicationName must be at most ${MAX_APPLICATION_NAME_BYTES} bytes`,
    })
    .default(DEFAULTS.applicationName),
  connectTimeoutSec: seconds('connectTimeoutSec', 600)
    .min(1, { error: 'connectTimeoutSec must be at least 1' })
    .default(DEFAULTS.connectTimeoutSec),
  statementTimeoutMs: z
    .int({ error: 'statementTimeoutMs must be a whole number of milliseconds' })
    .min(0, { error: 'statementTimeoutMs must not be negative' })
    .max(2_147_483_647, { error: 'statementTimeoutMs must be at most 2147483647' })
    .optional(),
  readonly: z.boolean({ error: 'readonly must be true or false' }).default(false),
  keepaliveIntervalSec: seconds('keepaliveIntervalSec', 86_400)
    .min(1, { error: 'keepaliveIntervalSec must be at least 1' })
    .default(DEFAULTS.keepaliveIntervalSec),
  poolMax: z
    .int({ error: 'poolMax must be a whole number' })
    .min(1, { error: 'poolMax must be between 1 and 100' })
    .max(100, { error: 'poolMax must be between 1 and 100' })
    .default(DEFAULTS.poolMax),
  maxReconnectAttempts: z
    .int({ error: 'maxReconnectAttempts must be a whole number' })
    .min(0, { error: 'maxReconnectAttempts must not be negative' })
    .max(10_000, { error: 'maxReconnectAttempts must be at most 10000' })
    .default(DEFAULTS.maxReconnectAttempts),
  /** libpq's target_session_attrs: which of `hosts` may serve this connection. */
  targetSessionAttrs: z
    .enum(targetSessionAttrs, {
      error: `targetSessionAttrs must be one of ${targetSessionAttrs.join(', ')}`,
    })
    .default('any'),
  /** libpq's load_balance_hosts: `random` shuffles `hosts` before each connect. */
  loadBalanceHosts: z
    .enum(['disable', 'random'], { error: 'loadBalanceHosts must be disable or random' })
    .default('disable'),
  /**
   * libpq's `options` beyond the two settings modelled above (`endpoint=...`, `--cluster=...`,
   * other `-c`): sent first, so the read-only and timeout settings that follow always win.
   */
  startupOptions: z.string({ error: 'startupOptions must be text' }).trim().min(1).optional(),
  /** libpq's keepalives: TCP keepalive on the sockets (on unless set false). */
  tcpKeepalives: z.boolean({ error: 'tcpKeepalives must be true or false' }).optional(),
  /** libpq's keepalives_idle: seconds of silence before the first TCP keepalive probe. */
  tcpKeepalivesIdleSec: seconds('tcpKeepalivesIdleSec', 86_400).optional(),
  /**
   * libpq's keepalives_interval, keepalives_count and tcp_user_timeout are kept (a URL for psql
   * or pg_dump carries them), but Node 20 has no way to set TCP_KEEPINTVL, TCP_KEEPCNT or
   * TCP_USER_TIMEOUT on a socket: Tusk's own keepalive ping (keepaliveIntervalSec) is what
   * notices a dead link here.
   */
  tcpKeepalivesIntervalSec: seconds('tcpKeepalivesIntervalSec', 86_400).optional(),
  tcpKeepalivesCount: z
    .int({ error: 'tcpKeepalivesCount must be a whole number' })
    .min(0)
    .max(1000)
    .optional(),
  /** libpq's tcp_user_timeout, in milliseconds. */
  tcpUserTimeoutMs: z
    .int({ error: 'tcpUserTimeoutMs must be a whole number' })
    .min(0)
    .max(2_147_483_647)
    .optional(),
});
export type ConnectionOptions = z.infer<typeof ConnectionOptionsSchema>;

export const SshTunnelSchema = z.object({
  enabled: z.boolean({ error: 'sshTunnel.enabled must be true or false' }),
  host: z
    .string({ error: 'SSH host must be text' })
    .trim()
    .refine(hostLike, {
      error: 'SSH host must not contain whitespace, control or invisible characters',
    })
    .default(''),
  port: z
    .int({ error: 'SSH port must be a whole number' })
    .min(1, { error: 'SSH port must be between 1 and 65535' })
    .max(65535, { error: 'SSH port must be between 1 and 65535' })
    .default(22),
  username: z.string({ error: 'SSH username must be text' }).trim().default(''),
  auth: z.enum(['password', 'key', 'agent'], {
    error: 'SSH auth must be one of password, key, agent',
  }),
  keyPath: z.string({ error: 'SSH key path must be text' }).trim().optional(),
  /** OpenSSH's ServerAliveInterval: a probe after this many seconds without one answered. */
  keepaliveIntervalSec: z
    .int({ error: 'SSH keepalive interval must be a whole number of seconds' })
    .min(1, { error: 'SSH keepalive interval must be between 1 and 3600 s' })
    .max(3600, { error: 'SSH keepalive interval must be between 1 and 3600 s' })
    .default(15),
  /** OpenSSH's ServerAliveCountMax: this many probes unanswered in a row and the tunnel is lost. */
  keepaliveCountMax: z
    .int({ error: 'SSH keepalive count must be a whole number' })
    .min(1, { error: 'SSH keepalive count must be between 1 and 100' })
    .max(100, { error: 'SSH keepalive count must be between 1 and 100' })
    .default(3),
});
export type SshTunnel = z.infer<typeof SshTunnelSchema>;

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, { error: 'color must be a #rrggbb hex colour' })
  .optional();

export const ConnectionConfigSchema = z
  .object({
    id: z.uuid({ error: 'id must be a UUID' }),
    name: required('name').pipe(
      z.string().max(200, { error: 'name must be at most 200 characters' }),
    ),
    host: required('host').refine(hostLike, {
      error: 'host must not contain whitespace or invisible characters',
    }),
    port: z
      .int({ error: 'port must be a whole number' })
      .min(1, { error: 'port must be between 1 and 65535' })
      .max(65535, { error: 'port must be between 1 and 65535' })
      .default(DEFAULTS.port),
    database: required('database'),
    username: required('username'),
    passwordInKeyring: z
      .boolean({ error: 'passwordInKeyring must be true or false' })
      .default(false),
    sslMode: SslModeSchema.default('prefer'),
    sslNegotiation: SslNegotiationSchema.default('postgres'),
    /** A CA file, or `system` for the operating system's trust store (libpq 16). */
    sslCaCert: z.string({ error: 'sslCaCert must be a file path' }).min(1).optional(),
    ...libpqFields,
    /** Every host in order, for multi-host failover; when set, the first equals host/port. */
    hosts: z.array(HostPortSchema, { error: 'hosts must be a list of { host, port }' }).optional(),
    sshTunnel: SshTunnelSchema.optional(),
    options: ConnectionOptionsSchema.prefault({}),
    /** The safety profile: production defaults to read-only and a statement timeout. */
    environment: z
      .enum(environments, { error: `environment must be one of ${environments.join(', ')}` })
      .optional(),
    groupId: z.uuid({ error: 'groupId must be a UUID' }).optional(),
    color,
    lastConnectedAt: z.iso
      .datetime({ error: 'lastConnectedAt must be an ISO date-time' })
      .optional(),
  })
  .superRefine((c, ctx) => {
    const ssh = c.sshTunnel;
    if (ssh?.enabled) {
      if (!ssh.host) {
        ctx.addIssue({
          code: 'custom',
          path: ['sshTunnel', 'host'],
          message: 'SSH host is required when the tunnel is enabled',
        });
      }
      if (!ssh.username) {
        ctx.addIssue({
          code: 'custom',
          path: ['sshTunnel', 'username'],
          message: 'SSH username is required when the tunnel is enabled',
        });
      }
      if (ssh.auth === 'key' && !ssh.keyPath) {
        ctx.addIssue({
          code: 'custom',
          path: ['sshTunnel', 'keyPath'],
          message: 'SSH key path is required for key authentication',
        });
      }
    }
    if (c.hosts !== undefined) {
      if (c.hosts.length < 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts'],
          message: 'hosts must list two or more hosts (leave it out for one)',
        });
      } else if (c.hosts[0]?.host !== c.host || c.hosts[0]?.port !== c.port) {
        ctx.addIssue({
          code: 'custom',
          path: ['hosts'],
          message: 'the first of hosts must be the same as host and port',
        });
      }
    }
    if (c.sslNegotiation === 'direct' && (c.sslMode === 'disable' || c.sslMode === 'prefer')) {
      ctx.addIssue({
        code: 'custom',
        path: ['sslNegotiation'],
        message: `direct TLS needs sslMode require, verify-ca or verify-full, not ${c.sslMode}: it has no plain-text fallback`,
      });
    }
    checkLibpqFields(c, ctx);
    if ((c.sslMode === 'verify-ca' || c.sslMode === 'verify-full') && !c.sslCaCert) {
      ctx.addIssue({
        code: 'custom',
        path: ['sslCaCert'],
        message: `a CA certificate is required for sslMode ${c.sslMode}`,
      });
    }
  });

export type ConnectionConfig = z.infer<typeof ConnectionConfigSchema>;
export type ConnectionConfigInput = z.input<typeof ConnectionConfigSchema>;

export const ConnectionGroupSchema = z.object({
  id: z.uuid({ error: 'id must be a UUID' }),
  name: required('name').pipe(
    z.string().max(200, { error: 'name must be at most 200 characters' }),
  ),
  color,
  parentId: z.uuid({ error: 'parentId must be a UUID' }).optional(),
});
export type ConnectionGroup = z.infer<typeof ConnectionGroupSchema>;

/** Turns zod's issues into one InvalidInput error that names each field and the rule it broke. */
export function invalidInput(error: z.ZodError, what = 'config'): TuskError {
  const issues = error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || what;
    return { field, message: issue.message };
  });
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new TuskError({
    kind: 'InvalidInput',
    message: `Invalid ${what}: ${message}`,
    field: issues[0]?.field ?? what,
  });
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(result.error, what);
  return result.data;
}

/** Returns the parsed config with defaults filled in, or throws a TuskError of kind InvalidInput. */
export function validate(input: unknown): ConnectionConfig {
  return parseWith(ConnectionConfigSchema, input, 'connection config');
}

export function validateGroup(input: unknown): ConnectionGroup {
  return parseWith(ConnectionGroupSchema, input, 'connection group');
}

/**
 * The part of a config a live session was opened with. When it changes, the open pool no
 * longer matches what the user asked for (a connection made read-only must stop writing), so
 * the session has to be replaced; a new name, colour, group or keepalive interval does not.
 */
export function sessionKey(config: ConnectionConfig): string {
  const { applicationName, connectTimeoutSec, statementTimeoutMs, readonly, poolMax } =
    config.options;
  const { targetSessionAttrs, loadBalanceHosts } = config.options;
  return JSON.stringify([
    config.host,
    config.port,
    config.hosts ?? null,
    targetSessionAttrs,
    loadBalanceHosts,
    config.database,
    config.username,
    config.passwordInKeyring,
    config.sslMode,
    config.sslCaCert ?? null,
    config.sshTunnel ?? null,
    [applicationName, connectTimeoutSec, statementTimeoutMs ?? null, readonly, poolMax],
    // libpq's further keywords change how each socket connects and authenticates.
    [config.sslNegotiation, config.sslCert ?? null, config.sslKey ?? null],
    [config.sslKeyPassphraseInKeyring ?? false, config.sslCertMode ?? 'allow'],
    [config.sslCrl ?? null, config.sslCrlDir ?? null, config.sslSni ?? true],
    [config.sslMinProtocolVersion ?? null, config.sslMaxProtocolVersion ?? null],
    [config.channelBinding ?? 'prefer', config.requireAuth ?? null],
    [config.hostaddr ?? null, config.passfile ?? null, config.passwordCommand ?? null],
    [config.options.startupOptions ?? null],
    [config.options.tcpKeepalives ?? true, config.options.tcpKeepalivesIdleSec ?? null],
    [config.options.tcpUserTimeoutMs ?? null],
  ]);
}

/**
 * How long a whole connect may take: libpq's connect_timeout applies to each host attempt, so
 * a multi-host config gets connectTimeoutSec per host (twice over for prefer-standby, which
 * may make a second pass). One host: connectTimeoutSec, as before.
 */
export function connectDeadlineMs(config: ConnectionConfig): number {
  const passes = config.options.targetSessionAttrs === 'prefer-standby' ? 2 : 1;
  return config.options.connectTimeoutSec * 1000 * (config.hosts?.length ?? 1) * passes;
}
