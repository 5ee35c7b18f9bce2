import { isIP, type Socket } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import type { ConnectionConfig, TargetSessionAttrs } from '../../machines/config.ts';
import type { CredentialSource, ServerInfo } from '../../machines/connection.types.ts';
import type {
  TestConnectionResult,
  TestStage,
  TestStageName,
} from '../../machines/diagnostics.types.ts';
import { TuskError } from '../../machines/errors.ts';
import type { AuthUsed } from '../pg/auth-guard.ts';
import { toTuskError } from '../pg/errors.ts';
import { atHost, hostOrder, targetPasses } from '../pg/hosts.ts';
import { PgSession } from '../pg/session.ts';
import { tlsPlan } from '../pg/tls.ts';
import type { SshTunnel } from '../ssh/tunnel.ts';
import { hintFor } from './hints.ts';
import {
  closeSocket,
  describeTarget,
  handshake,
  isSocketDir,
  openSocket,
  resolveHost,
  sslRequest,
  type Target,
  type TlsFacts,
  targetOf,
} from './probes.ts';
import { channelTo, runSshStages, type SshTestSeam } from './ssh-stages.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false };

const round = (ms: number) => Math.round(ms * 10) / 10;

const cancelled = () =>
  new TuskError({
    kind: 'ConnectionFailed',
    code: 'ABORT_ERR',
    message: 'The connection test was cancelled',
  });

/**
 * "Test connection": the steps of a connect, one at a time, so a failure names the step that
 * failed and what to do about it. dns, tcp and tls run on throwaway sockets of their own; auth
 * and server open a real session exactly as `connect` would (PgSession with poolMax 1: the same
 * TLS plan, prefer's fallback, startup options and their verification, and deadlines), so a test
 * that passes means a connect would too.
 *
 * - Each network stage is bounded by connectTimeoutSec on its own; auth and server use the
 *   session's deadlines, which are the same.
 * - `tls` is always reported: with sslMode disable it is ok with detail "TLS disabled", so the
 *   UI shows the same five rows for every config.
 * - An abort through `opts.signal` stops the running stage at once; it fails with code
 *   ABORT_ERR and the result is returned as for any failure.
 * - It resolves only once every socket it opened is closed; after a successful test the backend
 *   has said goodbye (and left pg_stat_activity) too. `latencyMs` ends with the last stage run,
 *   before that goodbye.
 */
export async function runConnectionTest(
  config: ConnectionConfig,
  password: string | undefined,
  opts: TestOptions = {},
): Promise<TestConnectionResult> {
  const passes = targetPasses(config.options.targetSessionAttrs);
  if (!config.hosts && passes.length === 1) {
    return testOneHost(config, password, opts, passes[0]!);
  }
  // Several hosts (or prefer-standby's two passes): host after host, as a connect tries them;
  // the stages shown are those of the host that passed, or of the last one tried.
  const started = performance.now();
  const attempts: NonNullable<TestConnectionResult['attempts']> = [];
  let last: TestConnectionResult | undefined;
  for (const target of passes) {
    for (const host of hostOrder(config)) {
      last = await testOneHost(atHost(config, host), password, opts, target);
      const failed = last.stages.find((s) => !s.ok);
      attempts.push({
        ...host,
        ok: last.success,
        ...(failed && { stage: failed.name }),
        ...(failed?.error && { error: failed.error }),
      });
      if (last.success || opts.signal?.aborted) break;
    }
    if (last?.success || opts.signal?.aborted) break;
  }
  return { ...last!, latencyMs: round(performance.now() - started), attempts };
}

interface TestOptions {
  signal?: AbortSignal;
  passwordSource?: PasswordOrigin;
  ssh?: SshTestSeam;
  /** The client key's passphrase (libpq's sslpassword), from the keyring. */
  keyPassphrase?: string;
}

/** The stages against one host (config.host), judged against one target_session_attrs pass. */
async function testOneHost(
  config: ConnectionConfig,
  password: string | undefined,
  opts: TestOptions,
  target: TargetSessionAttrs,
): Promise<TestConnectionResult> {
  const { signal } = opts;
  const stages: TestStage[] = [];
  const started = performance.now();
  const timeoutMs = config.options.connectTimeoutSec * 1000;
  const mapOptions = { target: `${config.host}:${config.port}`, secret: password };
  let session: PgSession | undefined;
  let tunnel: SshTunnel | null = null;
  let success = false;
  const abandon = () => void session?.close('failed');
  signal?.addEventListener('abort', abandon, { once: true });

  async function stage<T>(
    name: TestStageName,
    deadlineMs: number | null,
    work: (signal: AbortSignal) => Promise<[T, string]>,
  ): Promise<Outcome<T>> {
    const limit = new AbortController();
    const onCancel = () => limit.abort(cancelled());
    if (signal?.aborted) onCancel();
    else signal?.addEventListener('abort', onCancel, { once: true });
    const timer =
      deadlineMs === null
        ? undefined
        : setTimeout(() => limit.abort(timedOut(name, config)), deadlineMs);
    const t0 = performance.now();
    try {
      if (limit.signal.aborted) throw limit.signal.reason;
      const [value, detail] = await work(limit.signal);
      stages.push({ name, ms: round(performance.now() - t0), ok: true, detail });
      return { ok: true, value };
    } catch (thrown) {
      const error = limit.signal.aborted
        ? (limit.signal.reason as TuskError)
        : toTuskError(thrown, 'connect', mapOptions);
      const hint = error.code === 'ABORT_ERR' ? undefined : hintFor(name, error, config);
      stages.push({
        name,
        ms: round(performance.now() - t0),
        ok: false,
        error: error.toJSON(),
        ...(hint ? { hint } : {}),
      });
      return { ok: false };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
    }
  }

  const origin = opts.passwordSource;
  const finish = (info?: ServerInfo): TestConnectionResult => {
    // Why the password file was not used (its mode, say) is what a failed login needs to show.
    const auth = stages.find((s) => s.name === 'auth' && !s.ok);
    if (auth && origin?.note && origin.source === 'none') {
      auth.hint = [auth.hint, `The ${origin.note}.`].filter(Boolean).join(' ');
    }
    return result(info);
  };
  const result = (info?: ServerInfo): TestConnectionResult => ({
    success: info !== undefined,
    host: config.host,
    port: config.port,
    ...(info ? { version: info.version, startedAt: info.startedAt } : {}),
    ...(origin ? { passwordSource: origin.source } : {}),
    latencyMs: round(performance.now() - started),
    stages,
  });

  try {
    let open: (s: AbortSignal) => Promise<Socket>;
    if (config.sshTunnel?.enabled) {
      if (!opts.ssh) throw new Error('runConnectionTest: a tunnelled config needs opts.ssh');
      tunnel = await runSshStages(config, opts.ssh, stage);
      if (!tunnel) return finish();
      const through = tunnel;
      open = (s) => channelTo(through, config, s);
    } else {
      // libpq's hostaddr is dialled as it is; host stays the name TLS checks.
      const dns = await stage('dns', timeoutMs, (s) =>
        resolveStage(config.hostaddr ?? config.host, s),
      );
      if (!dns.ok) return finish();
      const tcp = await stage('tcp', timeoutMs, (s) => tcpStage(dns.value, config.port, s));
      if (!tcp.ok) return finish();
      open = (s) => openSocket(tcp.value, s);
    }
    const tls = await stage('tls', timeoutMs, (s) => tlsStage(config, open, s));
    if (!tls.ok) return finish();

    const test = new PgSession(config.id, withOnePhysicalConnection(config), password, {
      stream: tunnel?.stream,
      ...(opts.keyPassphrase !== undefined && { keyPassphrase: opts.keyPassphrase }),
    });
    session = test;
    const auth = await stage('auth', null, async (s) => {
      await test.open(s, target);
      const from = origin ? `; ${describeOrigin(origin)}` : '';
      const how = describeAuthentication(test.authentication);
      return [undefined, `as ${config.username} to database ${config.database}${from}${how}`];
    });
    if (!auth.ok) return finish();
    const server = await stage('server', null, async () => {
      const info = await test.readServerInfo();
      return [info, `${info.version}${info.ssl ? '' : ' (not encrypted)'}`];
    });
    if (!server.ok) return finish();
    success = true;
    return finish(server.value);
  } finally {
    await session?.close(success ? 'disconnect' : 'failed');
    await tunnel?.close();
    signal?.removeEventListener('abort', abandon);
  }
}

/** Where the test's password came from, and (for the password file) which file or why not. */
export interface PasswordOrigin {
  source: CredentialSource;
  note?: string;
}

function describeOrigin({ source, note }: PasswordOrigin): string {
  const where = {
    keyring: 'password from the keyring',
    pgpass: `password from the password file${note ? ` ${note}` : ''}`,
    'one-off': 'password given for this test',
    command: 'password printed by the password command',
    none: 'no password',
  }[source];
  return source !== 'pgpass' && note ? `${where} (${note})` : where;
}

/** Which method the server asked for, and whether channel binding was used. */
function describeAuthentication(used: AuthUsed | undefined): string {
  if (!used) return '';
  const said = {
    none: 'the server asked for no password (trust or certificate)',
    password: 'the server asked for a cleartext password',
    md5: 'the server asked for an MD5 password',
    'scram-sha-256': 'SCRAM-SHA-256, without channel binding',
    'scram-sha-256-plus': 'SCRAM-SHA-256-PLUS, with channel binding',
  }[used];
  return `; authentication: ${said}`;
}

/** A test needs one backend, not a pool's worth; everything else is the config as it is. */
const withOnePhysicalConnection = (config: ConnectionConfig): ConnectionConfig => ({
  ...config,
  options: { ...config.options, poolMax: 1 },
});

const stageActions: Record<TestStageName, string> = {
  dns: 'Resolving the host name',
  'ssh-tcp': 'Connecting to the SSH server',
  'ssh-handshake': 'The SSH handshake',
  'ssh-auth': 'Logging in to the SSH server',
  forward: 'Opening a channel through the SSH server',
  tcp: 'Connecting',
  tls: 'The TLS request',
  auth: 'Logging in',
  server: 'Reading server info',
};

function timedOut(stage: TestStageName, config: ConnectionConfig): TuskError {
  return new TuskError({
    kind: 'ConnectionTimeout',
    code: 'ETIMEDOUT',
    message: `${stageActions[stage]} (${config.host}:${config.port}) got no answer within ${config.options.connectTimeoutSec} s`,
  });
}

async function resolveStage(host: string, signal: AbortSignal): Promise<[string[], string]> {
  if (isSocketDir(host)) return [[host], 'Unix socket directory'];
  if (isIP(host)) return [[host], 'IP address'];
  const addresses = await resolveHost(host, signal);
  return [addresses, addresses.join(', ')];
}

/**
 * Connects to each address in turn, as libpq does, until one answers; the later stages use that
 * one. A failure reports the last address's error, having tried them all.
 */
async function tcpStage(
  addresses: string[],
  port: number,
  signal: AbortSignal,
): Promise<[Target, string]> {
  let lastError: unknown;
  for (const address of addresses) {
    const target = targetOf(address, port);
    try {
      await closeSocket(await openSocket(target, signal));
      return [target, describeTarget(target)];
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      lastError = error;
    }
  }
  throw lastError;
}

async function tlsStage(
  config: ConnectionConfig,
  open: (signal: AbortSignal) => Promise<Socket>,
  signal: AbortSignal,
): Promise<[undefined, string]> {
  if (isSocketDir(config.host)) {
    return [
      undefined,
      `not used over a Unix socket (sslMode ${config.sslMode} is ignored, as in libpq)`,
    ];
  }
  // The handshake alone: a client certificate (and its passphrase) is the auth stage's part.
  const { ssl } = await tlsPlan({ ...config, sslCert: undefined, sslCertMode: 'disable' });
  if (ssl === false) return [undefined, 'TLS disabled (sslMode disable)'];
  const socket = await open(signal);
  let answer: 'S' | 'N';
  try {
    answer = await sslRequest(socket, signal);
  } catch (error) {
    await closeSocket(socket);
    throw error;
  }
  if (answer === 'N') {
    await closeSocket(socket);
    if (config.sslMode === 'prefer') {
      return [undefined, 'server does not offer TLS; prefer falls back to plain'];
    }
    // pg's own words, so the error is the one a connect would report.
    throw new Error('The server does not support SSL connections');
  }
  const facts = await handshake(socket, config.host, ssl, signal);
  return [undefined, describeTls(facts, config)];
}

function describeTls(facts: TlsFacts, config: ConnectionConfig): string {
  const cert: Partial<PeerCertificate> = facts.certificate;
  const name = (entity: unknown) => {
    const e = entity as { CN?: unknown; O?: unknown } | undefined;
    return e?.CN ? `CN=${e.CN}` : e?.O ? `O=${e.O}` : 'an unnamed entity';
  };
  const until = cert.valid_to ? new Date(cert.valid_to) : undefined;
  const validity =
    until && !Number.isNaN(until.getTime()) ? `, valid until ${until.toISOString()}` : '';
  const trust =
    config.sslMode === 'verify-full'
      ? 'verified (verify-full)'
      : config.sslMode === 'verify-ca'
        ? 'signed by the CA; host name not checked (verify-ca)'
        : `not verified (sslMode ${config.sslMode})`;
  return `${facts.protocol ?? 'TLS'}, ${facts.cipher}; certificate ${name(cert.subject)} issued by ${name(cert.issuer)}${validity}; ${trust}`;
}
