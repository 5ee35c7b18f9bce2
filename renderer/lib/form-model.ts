import {
  type ConnectionConfig,
  ConnectionConfigSchema,
  DEFAULTS,
  type Environment,
  type SslMode,
  type SslNegotiation,
  SYSTEM_ROOTS,
  type TargetSessionAttrs,
} from '../../machines/config.ts';
import type { ParsedConnectionString } from '../../machines/connection-string.ts';
import type { ChannelBinding } from '../../machines/libpq-auth.ts';
import { joinCommand, splitCommand } from './command-words.ts';

/**
 * The connection form as text fields, and the way back to a config: the same zod schema the
 * service validates with decides what is wrong, and each issue's path names its field.
 */
export interface FormValues {
  name: string;
  host: string;
  port: string;
  database: string;
  username: string;
  password: string;
  sslMode: SslMode;
  sslNegotiation: SslNegotiation;
  sslCaCert: string;
  /** Where verify-ca / verify-full find their roots: a CA file, or the OS (sslrootcert=system). */
  trustStore: 'file' | 'system';
  /** The client certificate and key files (libpq's sslcert, sslkey), and when to send them. */
  sslCert: string;
  sslKey: string;
  sslCertMode: 'disable' | 'allow' | 'require';
  /** The key's passphrase (sslpassword): to the keyring. */
  sslPassword: string;
  channelBinding: ChannelBinding;
  /** libpq's require_auth, as typed: `scram-sha-256`, `!password,!md5`, ... */
  requireAuth: string;
  /** The password from the keyring (or the password file), or printed by a command. */
  passwordSource: 'keyring' | 'command';
  /** The command's words, quoted as in a shell (but run without one). */
  passwordCommand: string;
  hostaddr: string;
  /** Startup options other than read-only and the timeout (`endpoint=...`, `--cluster=...`). */
  startupOptions: string;
  readonly: boolean;
  statementTimeoutMs: string;
  applicationName: string;
  connectTimeoutSec: string;
  keepaliveIntervalSec: string;
  poolMax: string;
  maxReconnectAttempts: string;
  groupId: string;
  color: string;
  environment: Environment | '';
  sshEnabled: boolean;
  sshHost: string;
  sshPort: string;
  sshUsername: string;
  sshAuth: 'password' | 'key' | 'agent';
  sshKeyPath: string;
  /** The SSH login's password (auth = password) and the key's passphrase: to the keyring. */
  sshPassword: string;
  sshPassphrase: string;
  /**
   * The hosts after the first (libpq's host list); the first is always Host and Port, so the
   * list and those fields cannot disagree. Empty: one host, no `hosts` in the config.
   */
  moreHosts: HostRow[];
  targetSessionAttrs: TargetSessionAttrs;
  loadBalanceHosts: 'disable' | 'random';
}

export interface HostRow {
  host: string;
  port: string;
}

/** The form's fields that never enter the config: they go to the keyring, as their own arguments. */
export type SecretKey = 'password' | 'sshPassword' | 'sshPassphrase' | 'sslPassword';

/** Form field → the config path its issues come back on. */
export const fieldPaths: Record<Exclude<keyof FormValues, SecretKey | 'moreHosts'>, string> = {
  name: 'name',
  host: 'host',
  port: 'port',
  database: 'database',
  username: 'username',
  sslMode: 'sslMode',
  sslNegotiation: 'sslNegotiation',
  sslCaCert: 'sslCaCert',
  trustStore: 'sslCaCert',
  sslCert: 'sslCert',
  sslKey: 'sslKey',
  sslCertMode: 'sslCertMode',
  channelBinding: 'channelBinding',
  requireAuth: 'requireAuth',
  passwordSource: 'passwordCommand',
  passwordCommand: 'passwordCommand.argv',
  hostaddr: 'hostaddr',
  startupOptions: 'options.startupOptions',
  readonly: 'options.readonly',
  statementTimeoutMs: 'options.statementTimeoutMs',
  applicationName: 'options.applicationName',
  connectTimeoutSec: 'options.connectTimeoutSec',
  keepaliveIntervalSec: 'options.keepaliveIntervalSec',
  poolMax: 'options.poolMax',
  maxReconnectAttempts: 'options.maxReconnectAttempts',
  groupId: 'groupId',
  color: 'color',
  environment: 'environment',
  sshEnabled: 'sshTunnel.enabled',
  sshHost: 'sshTunnel.host',
  sshPort: 'sshTunnel.port',
  sshUsername: 'sshTunnel.username',
  sshAuth: 'sshTunnel.auth',
  sshKeyPath: 'sshTunnel.keyPath',
  targetSessionAttrs: 'options.targetSessionAttrs',
  loadBalanceHosts: 'options.loadBalanceHosts',
};

/** The schema's messages name config keys; the form says what its labels say. */
const words: Record<string, string> = {
  name: 'Name',
  host: 'Host',
  port: 'Port',
  database: 'Database',
  username: 'User',
  sslCaCert: 'CA certificate',
  sslCert: 'Client certificate',
  sslKey: 'Client key',
  sslCertMode: 'Send certificate',
  channelBinding: 'Channel binding',
  requireAuth: 'Accepted authentication',
  passwordCommand: 'Password command',
  hostaddr: 'Host address',
  sslMode: 'SSL mode',
  sslNegotiation: 'TLS negotiation',
  applicationName: 'Application name',
  connectTimeoutSec: 'Connect timeout',
  statementTimeoutMs: 'Statement timeout',
  keepaliveIntervalSec: 'Keepalive interval',
  poolMax: 'Pool size',
  maxReconnectAttempts: 'Reconnect attempts',
  readonly: 'Read-only',
  color: 'Colour',
  environment: 'Environment',
  groupId: 'Group',
  hosts: 'Hosts',
  targetSessionAttrs: 'Target session',
  loadBalanceHosts: 'Load balance',
};

export function humanise(message: string): string {
  const m = /^([A-Za-z]+)\b(.*)$/.exec(message);
  const word = m && words[m[1]!];
  const first = word ? `${word}${m![2]}` : message;
  // A camelCase key later in the sentence ("required for sslMode verify-full") is a config key
  // too: said as its label, lower-cased unless it starts with an acronym ("SSL mode").
  const text = first.replace(/\b([a-z]+[A-Z][A-Za-z]*)\b/g, (key) => {
    const label = words[key];
    if (!label) return key;
    return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
  });
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Production's safety profile: read-only, and a 30 s statement timeout. */
export const PRODUCTION_STATEMENT_TIMEOUT_MS = 30_000;

export function emptyValues(): FormValues {
  return {
    name: '',
    host: 'localhost',
    port: String(DEFAULTS.port),
    database: 'postgres',
    username: 'postgres',
    password: '',
    sslMode: 'prefer',
    sslNegotiation: 'postgres',
    sslCaCert: '',
    trustStore: 'file',
    sslCert: '',
    sslKey: '',
    sslCertMode: 'allow',
    sslPassword: '',
    channelBinding: 'prefer',
    requireAuth: '',
    passwordSource: 'keyring',
    passwordCommand: '',
    hostaddr: '',
    startupOptions: '',
    readonly: false,
    statementTimeoutMs: '',
    applicationName: DEFAULTS.applicationName,
    connectTimeoutSec: String(DEFAULTS.connectTimeoutSec),
    keepaliveIntervalSec: String(DEFAULTS.keepaliveIntervalSec),
    poolMax: String(DEFAULTS.poolMax),
    maxReconnectAttempts: String(DEFAULTS.maxReconnectAttempts),
    groupId: '',
    color: '',
    environment: '',
    sshEnabled: false,
    sshHost: '',
    sshPort: '22',
    sshUsername: '',
    sshAuth: 'agent',
    sshKeyPath: '',
    sshPassword: '',
    sshPassphrase: '',
    moreHosts: [],
    targetSessionAttrs: 'any',
    loadBalanceHosts: 'disable',
  };
}

export function valuesOf(config: ConnectionConfig): FormValues {
  const o = config.options;
  const ssh = config.sshTunnel;
  return {
    name: config.name,
    host: config.host,
    port: String(config.port),
    database: config.database,
    username: config.username,
    password: '',
    sslMode: config.sslMode,
    sslNegotiation: config.sslNegotiation,
    sslCaCert: config.sslCaCert === SYSTEM_ROOTS ? '' : (config.sslCaCert ?? ''),
    trustStore: config.sslCaCert === SYSTEM_ROOTS ? 'system' : 'file',
    sslCert: config.sslCert ?? '',
    sslKey: config.sslKey ?? '',
    sslCertMode: config.sslCertMode ?? 'allow',
    sslPassword: '',
    channelBinding: config.channelBinding ?? 'prefer',
    requireAuth: config.requireAuth ?? '',
    passwordSource: config.passwordCommand ? 'command' : 'keyring',
    passwordCommand: config.passwordCommand ? joinCommand(config.passwordCommand.argv) : '',
    hostaddr: config.hostaddr ?? '',
    startupOptions: o.startupOptions ?? '',
    readonly: o.readonly,
    statementTimeoutMs: o.statementTimeoutMs === undefined ? '' : String(o.statementTimeoutMs),
    applicationName: o.applicationName,
    connectTimeoutSec: String(o.connectTimeoutSec),
    keepaliveIntervalSec: String(o.keepaliveIntervalSec),
    poolMax: String(o.poolMax),
    maxReconnectAttempts: String(o.maxReconnectAttempts),
    groupId: config.groupId ?? '',
    color: config.color ?? '',
    environment: config.environment ?? '',
    sshEnabled: ssh?.enabled ?? false,
    sshHost: ssh?.host ?? '',
    sshPort: String(ssh?.port ?? 22),
    sshUsername: ssh?.username ?? '',
    sshAuth: ssh?.auth ?? 'agent',
    sshKeyPath: ssh?.keyPath ?? '',
    sshPassword: '',
    sshPassphrase: '',
    moreHosts: hostRows(config.hosts),
    targetSessionAttrs: o.targetSessionAttrs,
    loadBalanceHosts: o.loadBalanceHosts,
  };
}

/** A config's host list as the form's rows after the first (Host and Port are the first). */
const hostRows = (hosts: readonly { host: string; port: number }[] | undefined): HostRow[] =>
  (hosts ?? []).slice(1).map((h) => ({ host: h.host, port: String(h.port) }));

/** Empty text is "not set" (the schema's default applies); anything else must be a number. */
const num = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));
const opt = (text: string) => (text.trim() === '' ? undefined : text.trim());

/** The config the form describes; `base` keeps what the form does not show (hosts, dates). */
export function configInput(
  values: FormValues,
  id: string,
  base?: FormBase,
): Record<string, unknown> {
  const keepsSsh = values.sshEnabled || base?.sshTunnel !== undefined;
  const byCommand = values.passwordSource === 'command';
  return {
    ...(base ?? {}),
    id,
    name: values.name,
    host: values.host,
    port: num(values.port),
    database: values.database,
    username: values.username,
    passwordInKeyring: byCommand
      ? false
      : values.password !== '' || (base?.passwordInKeyring ?? false),
    passwordCommand: byCommand
      ? { ...base?.passwordCommand, argv: splitCommand(values.passwordCommand) }
      : undefined,
    sslMode: values.sslMode,
    sslNegotiation: values.sslNegotiation,
    sslCaCert: values.trustStore === 'system' ? SYSTEM_ROOTS : opt(values.sslCaCert),
    sslCert: opt(values.sslCert),
    sslKey: opt(values.sslKey),
    sslCertMode: values.sslCertMode === 'allow' ? undefined : values.sslCertMode,
    sslKeyPassphraseInKeyring:
      opt(values.sslCert) && (values.sslPassword !== '' || base?.sslKeyPassphraseInKeyring === true)
        ? true
        : undefined,
    channelBinding: values.channelBinding === 'prefer' ? undefined : values.channelBinding,
    requireAuth: opt(values.requireAuth),
    hostaddr: opt(values.hostaddr),
    // Built from Host and Port plus the rows: its first entry is Host and Port by construction.
    hosts:
      values.moreHosts.length > 0
        ? [
            { host: values.host, port: num(values.port) },
            ...values.moreHosts.map((h) => ({ host: h.host, port: num(h.port) })),
          ]
        : undefined,
    sshTunnel: keepsSsh
      ? {
          enabled: values.sshEnabled,
          host: values.sshHost,
          port: num(values.sshPort),
          username: values.sshUsername,
          auth: values.sshAuth,
          keyPath: opt(values.sshKeyPath),
        }
      : undefined,
    options: {
      ...(base?.options ?? {}),
      readonly: values.readonly,
      statementTimeoutMs: num(values.statementTimeoutMs),
      applicationName: values.applicationName,
      connectTimeoutSec: num(values.connectTimeoutSec),
      keepaliveIntervalSec: num(values.keepaliveIntervalSec),
      poolMax: num(values.poolMax),
      maxReconnectAttempts: num(values.maxReconnectAttempts),
      targetSessionAttrs: values.targetSessionAttrs,
      loadBalanceHosts: values.loadBalanceHosts,
      startupOptions: opt(values.startupOptions),
    },
    environment: values.environment || undefined,
    groupId: opt(values.groupId),
    color: opt(values.color),
  };
}

export type FieldErrors = Partial<Record<string, string>>;

export type Checked =
  | { ok: true; config: ConnectionConfig; errors: FieldErrors }
  | { ok: false; errors: FieldErrors };

/** Validates with ConnectionConfigSchema; errors are keyed by config path, first issue wins. */
export function check(values: FormValues, id: string, base?: FormBase): Checked {
  const result = ConnectionConfigSchema.safeParse(configInput(values, id, base));
  if (result.success) return { ok: true, config: result.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || 'config';
    errors[path] ??= humanise(issue.message);
  }
  return { ok: false, errors };
}

/** What an imported connection string changes in the form; the rest stays as the user left it. */
export function withImport(values: FormValues, parsed: ParsedConnectionString): FormValues {
  const { config } = parsed;
  const o = config.options ?? {};
  const next = { ...values };
  if (config.host !== undefined) next.host = config.host;
  if (config.port !== undefined) next.port = String(config.port);
  if (config.database !== undefined) next.database = config.database;
  if (config.username !== undefined) next.username = config.username;
  // The password's only place is the Password field: Save sends it to the keyring.
  if (parsed.password !== undefined) next.password = parsed.password;
  if (config.sslMode !== undefined) next.sslMode = config.sslMode;
  if (config.sslNegotiation !== undefined) next.sslNegotiation = config.sslNegotiation;
  if (config.sslCaCert === SYSTEM_ROOTS) {
    next.trustStore = 'system';
    next.sslCaCert = '';
  } else if (config.sslCaCert !== undefined) {
    next.trustStore = 'file';
    next.sslCaCert = config.sslCaCert;
  }
  if (config.sslCert !== undefined) next.sslCert = config.sslCert;
  if (config.sslKey !== undefined) next.sslKey = config.sslKey;
  if (config.sslCertMode !== undefined) next.sslCertMode = config.sslCertMode;
  // Like the password, the key's passphrase goes to the keyring on Save, and nowhere else.
  if (parsed.sslPassword !== undefined) next.sslPassword = parsed.sslPassword;
  if (config.channelBinding !== undefined) next.channelBinding = config.channelBinding;
  if (config.requireAuth !== undefined) next.requireAuth = config.requireAuth;
  if (config.hostaddr !== undefined) {
    next.hostaddr = config.hostaddr;
    // libpq with hostaddr alone (Cloud SQL's psql line): the address is all there is to name.
    if (config.host === undefined) next.host = config.hostaddr;
  }
  if (o.startupOptions !== undefined) next.startupOptions = o.startupOptions;
  if (o.applicationName !== undefined) next.applicationName = o.applicationName;
  if (o.connectTimeoutSec !== undefined) next.connectTimeoutSec = String(o.connectTimeoutSec);
  if (o.readonly !== undefined) next.readonly = o.readonly;
  if (o.statementTimeoutMs !== undefined) next.statementTimeoutMs = String(o.statementTimeoutMs);
  // Always set, so a single-host import replaces an earlier list instead of leaving it behind.
  next.moreHosts = hostRows(config.hosts);
  if (o.targetSessionAttrs !== undefined) next.targetSessionAttrs = o.targetSessionAttrs;
  if (o.loadBalanceHosts !== undefined) next.loadBalanceHosts = o.loadBalanceHosts;
  const named = config.host ?? config.hostaddr;
  if (!next.name && named) {
    next.name = config.database ? `${config.database} on ${named}` : named;
  }
  return next;
}

/** What the form keeps beside its fields: the config it started from, plus an import's extras. */
export type FormBase = Partial<Omit<ConnectionConfig, 'options'>> & {
  options?: Partial<ConnectionConfig['options']>;
};

/**
 * What an import sets that the form has no field for, laid over the config the form started
 * from: its options (the host list, target_session_attrs and load_balance_hosts have fields now,
 * and the form's values win over these).
 */
export function withImportedExtras(
  base: FormBase | undefined,
  parsed: ParsedConnectionString,
): FormBase {
  const { options, sslCrl, sslCrlDir, sslSni, sslMinProtocolVersion, sslMaxProtocolVersion } =
    parsed.config;
  const extras = { sslCrl, sslCrlDir, sslSni, sslMinProtocolVersion, sslMaxProtocolVersion };
  const set = Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined));
  const passfile = parsed.config.passfile;
  return {
    ...base,
    ...set,
    ...(passfile !== undefined && { passfile }),
    options: { ...base?.options, ...options },
  };
}

/** Choosing production turns its safety profile on; leaving it changes nothing back. */
export function withEnvironment(
  values: FormValues,
  environment: FormValues['environment'],
): FormValues {
  if (environment !== 'production' || values.environment === 'production') {
    return { ...values, environment };
  }
  return {
    ...values,
    environment,
    readonly: true,
    statementTimeoutMs: values.statementTimeoutMs || String(PRODUCTION_STATEMENT_TIMEOUT_MS),
  };
}
