import type { Socket } from 'node:net';
import type { ConnectionConfig } from '../../machines/config.ts';
import type { TestStageName } from '../../machines/diagnostics.types.ts';
import type { ChannelSocket } from '../ssh/channel-socket.ts';
import { fingerprintOf } from '../ssh/known-hosts.ts';
import { hostKeyRefusal, presentedHostKey, SshTunnel, type TunnelAuth } from '../ssh/tunnel.ts';
import { closeSocket, describeTarget, openSocket, targetOf } from './probes.ts';

/** What the SSH stages need from main/ssh: the login (secrets from the keyring) and the trust. */
export interface SshTestSeam {
  authFor(config: ConnectionConfig): Promise<TunnelAuth>;
  knownHosts: readonly string[];
}

type Stage = <T>(
  name: TestStageName,
  deadlineMs: number | null,
  work: (signal: AbortSignal) => Promise<[T, string]>,
) => Promise<{ ok: true; value: T } | { ok: false }>;

/**
 * The SSH stages of "Test connection", each on its own so a failure names its step: TCP to the
 * SSH server, the handshake and host key (checked before any credential is sent), the login,
 * and one channel forwarded to the database. Resolves with the open tunnel (the caller closes
 * it) or null after a failure, with the tunnel already closed.
 */
export async function runSshStages(
  config: ConnectionConfig,
  seam: SshTestSeam,
  stage: Stage,
): Promise<SshTunnel | null> {
  const ssh = config.sshTunnel!;
  const timeoutMs = config.options.connectTimeoutSec * 1000;
  const tcp = await stage('ssh-tcp', timeoutMs, async (s) => {
    const target = targetOf(ssh.host, ssh.port);
    await closeSocket(await openSocket(target, s));
    return [undefined, describeTarget(target)];
  });
  if (!tcp.ok) return null;
  const handshake = await stage('ssh-handshake', timeoutMs, async () => {
    const key = await presentedHostKey(ssh, config.options.connectTimeoutSec);
    const probe = new SshTunnel(config.id, ssh, { timeoutSec: 1, knownHosts: seam.knownHosts });
    probe.hostKey = key;
    const fingerprint = fingerprintOf(key.blob);
    const refusal = hostKeyRefusal(await probe.verdict(), `${ssh.host}:${ssh.port}`, fingerprint);
    if (refusal) throw refusal;
    return [undefined, `${key.type} ${fingerprint}, known`];
  });
  if (!handshake.ok) return null;
  const tunnel = new SshTunnel(config.id, ssh, {
    timeoutSec: config.options.connectTimeoutSec,
    knownHosts: seam.knownHosts,
  });
  const login = await stage('ssh-auth', null, async (s) => {
    await tunnel.connect(await seam.authFor(config), s);
    return [undefined, `as ${ssh.username} (${ssh.auth})`];
  });
  if (!login.ok) {
    await tunnel.destroy();
    return null;
  }
  const forwarded = await stage('forward', timeoutMs, async (s) => {
    const channel = tunnel.stream();
    await new Promise<void>((resolve, reject) => {
      const abort = () => reject(s.reason);
      s.addEventListener('abort', abort, { once: true });
      channel.once('connect', () => resolve());
      channel.once('error', reject);
      channel.connect(config.port, config.host);
    }).finally(() => channel.destroy());
    return [undefined, `the SSH server reached ${config.host}:${config.port}`];
  });
  if (!forwarded.ok) {
    await tunnel.destroy();
    return null;
  }
  return tunnel;
}

/** A socket for the TLS stage, through the tunnel: the probes read and write any duplex. */
export function channelTo(
  tunnel: SshTunnel,
  config: ConnectionConfig,
  signal: AbortSignal,
): Promise<Socket> {
  const channel: ChannelSocket = tunnel.stream();
  return new Promise((resolve, reject) => {
    const abort = () => {
      channel.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    channel.once('connect', () => {
      signal.removeEventListener('abort', abort);
      resolve(channel as unknown as Socket);
    });
    channel.once('error', reject);
    channel.connect(config.port, config.host);
  });
}
