import { type AuthenticationType, Client, type ConnectConfig } from 'ssh2';
import type { SshTunnel as SshTunnelConfig } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import type { TunnelOpened } from '../../machines/tunnel.machine.ts';
import { ChannelSocket } from './channel-socket.ts';
import { toSshError } from './errors.ts';
import {
  checkHostKey,
  fingerprintOf,
  type HostKey,
  type HostKeyVerdict,
  hostKeyOf,
  knownHostsName,
} from './known-hosts.ts';

/** How the tunnel logs in; held only for the handshake, then dropped. */
export interface TunnelAuth {
  password?: string;
  privateKey?: Buffer;
  passphrase?: string;
  /** The agent's socket (SSH_AUTH_SOCK). */
  agent?: string;
}

/** The ssh2 internals the keepalive probe uses: the replies queue and OpenSSH's keepalive request. */
interface ClientInternals {
  _callbacks?: ((hadError: boolean) => void)[];
  _protocol?: { ping(): void };
}

type State = 'new' | 'opening' | 'open' | 'closed';

/**
 * One SSH connection of one Tusk connection. Every pooled client's socket is a channel on it
 * (`stream()`), so a pool of ten is still one SSH login. The host key is checked against the
 * known-hosts files before any credential is sent.
 */
export class SshTunnel {
  readonly connectionId: string;
  readonly ssh: SshTunnelConfig;
  readonly #timeoutSec: number;
  readonly #knownHosts: readonly string[];
  readonly #client = new Client();
  readonly #sockets = new Set<ChannelSocket>();
  readonly #dropListeners = new Set<(error: TuskError) => void>();
  readonly #probes = new Set<(error: TuskError) => void>();
  #state: State = 'new';
  #drop: TuskError | null = null;
  readonly #closed: Promise<void>;
  #markClosed: () => void = () => undefined;
  /** The key the server presented, once it has. */
  hostKey: HostKey | null = null;

  constructor(
    connectionId: string,
    ssh: SshTunnelConfig,
    options: { timeoutSec: number; knownHosts: readonly string[] },
  ) {
    this.connectionId = connectionId;
    this.ssh = ssh;
    this.#timeoutSec = options.timeoutSec;
    this.#knownHosts = options.knownHosts;
    this.#closed = new Promise((resolve) => {
      this.#markClosed = resolve;
      this.#client.once('close', () => resolve());
    });
    // Always listened to: an 'error' without a listener kills the process.
    this.#client.on('error', () => undefined);
    this.#client.once('close', () =>
      this.#dropped(
        new TuskError({
          kind: 'ConnectionLost',
          code: 'SSH_CLOSED',
          message: `The SSH connection to ${this.target} closed`,
        }),
      ),
    );
  }

  get target(): string {
    return `${this.ssh.host}:${this.ssh.port}`;
  }
  get open(): boolean {
    return this.#state === 'open';
  }

  /**
   * Connects, verifies the host key, logs in. A host key that is not known stops the handshake
   * with HostKeyUnknown (or HostKeyChanged) carrying its fingerprint; no credential is sent then.
   */
  connect(auth: TunnelAuth, signal: AbortSignal): Promise<TunnelOpened> {
    if (this.#state !== 'new') return Promise.reject(new Error('SshTunnel.connect() runs once'));
    this.#state = 'opening';
    const where = {
      target: this.target,
      username: this.ssh.username,
      timeoutSec: this.#timeoutSec,
    };
    const secrets = [auth.password, auth.passphrase];
    let refusal: TuskError | null = null;
    return new Promise<TunnelOpened>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (this.#state !== 'opening') return;
        this.#client.destroy();
        this.#state = 'closed';
        reject(refusal ?? toSshError(error, where, secrets));
      };
      const cancelled = () =>
        fail(new TuskError({ kind: 'ConnectionFailed', message: 'Connecting was cancelled' }));
      if (signal.aborted) return cancelled();
      signal.addEventListener('abort', cancelled, { once: true });
      this.#client.on('error', fail);
      this.#client.once('close', () => fail(new Error('The SSH server closed the connection')));
      this.#client.once('ready', () => {
        signal.removeEventListener('abort', cancelled);
        if (this.#state !== 'opening') return;
        this.#state = 'open';
        resolve({ fingerprint: fingerprintOf(this.hostKey!.blob) });
      });
      const config: ConnectConfig = {
        host: this.ssh.host,
        port: this.ssh.port,
        username: this.ssh.username,
        readyTimeout: this.#timeoutSec * 1000,
        // The tunnel machine probes on its own schedule (probe()), so its keepalive is a
        // visible, named delay rather than a timer inside ssh2.
        keepaliveInterval: 0,
        tryKeyboard: false,
        authHandler: methods(auth),
        hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
          this.hostKey = hostKeyOf(blob);
          this.verdict().then(
            (verdict) => {
              refusal = hostKeyRefusal(verdict, this.target, fingerprintOf(blob));
              verify(refusal === null);
            },
            (error: unknown) => {
              refusal = new TuskError(
                {
                  kind: 'ConnectionFailed',
                  message: `Reading the known-hosts files failed: ${(error as Error).message}`,
                },
                { cause: error },
              );
              verify(false);
            },
          );
        },
        ...auth,
      };
      try {
        this.#client.connect(config);
      } catch (error) {
        // ssh2 parses the private key synchronously (a wrong passphrase throws here), before
        // any socket exists, so no 'close' will come.
        this.#markClosed();
        fail(error);
      }
    });
  }

  /** What the known-hosts files say of the key the server presented. */
  verdict(): Promise<HostKeyVerdict> {
    if (!this.hostKey) return Promise.resolve('unknown');
    return checkHostKey(
      this.#knownHosts,
      knownHostsName(this.ssh.host, this.ssh.port),
      this.hostKey,
    );
  }

  /** pg's `stream` option: a fresh socket whose connect() opens a channel through the tunnel. */
  readonly stream = (): ChannelSocket => {
    const socket = new ChannelSocket((host, port, done) => {
      if (!this.open) {
        done(
          this.#drop ??
            new TuskError({ kind: 'ConnectionLost', message: 'The SSH tunnel is closed' }),
        );
        return;
      }
      this.#client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (!error) return done(undefined, channel);
        done(
          new TuskError(
            {
              kind: 'ConnectionFailed',
              code: 'SSH_CHANNEL_OPEN_FAILED',
              message: `The SSH server ${this.target} could not reach ${host}:${port}: ${error.message}`,
            },
            { cause: error },
          ),
        );
      });
    });
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return socket;
  };

  /**
   * One keepalive round trip: OpenSSH's `keepalive@openssh.com` global request, which the
   * server answers (with a failure, as for any request it does not know): any reply means the
   * server is there. ssh2 answers replies in order from its callbacks queue.
   */
  probe(): Promise<void> {
    const internals = this.#client as unknown as ClientInternals;
    if (!this.open || !internals._callbacks || !internals._protocol) {
      return Promise.reject(
        this.#drop ??
          new TuskError({ kind: 'ConnectionLost', message: 'The SSH tunnel is closed' }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#probes.add(reject);
      internals._callbacks!.push(() => {
        this.#probes.delete(reject);
        resolve();
      });
      internals._protocol!.ping();
    });
  }

  /** Calls `listener` once when the open tunnel goes away (soon, if it already has). */
  onDrop(listener: (error: TuskError) => void): () => void {
    if (this.#drop) {
      const error = this.#drop;
      let active = true;
      queueMicrotask(() => active && listener(error));
      return () => {
        active = false;
      };
    }
    this.#dropListeners.add(listener);
    return () => this.#dropListeners.delete(listener);
  }

  /**
   * The link is gone: work stops now (sockets destroyed, a probe in flight rejected within this
   * turn), and the news goes out on the next turn, as the pg session's LostAlarm does, so the
   * machine hears the specific failure (the probe's) first when there is one.
   */
  #dropped(error: TuskError): void {
    const wasOpen = this.#state === 'open';
    this.#state = 'closed';
    if (this.#drop) return;
    this.#drop = error;
    for (const socket of this.#sockets) socket.destroy();
    for (const reject of [...this.#probes]) reject(error);
    this.#probes.clear();
    if (!wasOpen) return;
    setImmediate(() => {
      for (const listener of [...this.#dropListeners]) listener(error);
      this.#dropListeners.clear();
    });
  }

  /** Ends the SSH connection (its channels first) and resolves once its socket has closed. */
  close(): Promise<void> {
    this.#dropListeners.clear();
    if (this.#state === 'new') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    for (const socket of this.#sockets) socket.destroy();
    this.#client.end();
    // A dead link never answers the goodbye: give it a moment, then cut the socket.
    const timer = setTimeout(() => this.#client.destroy(), 1000);
    timer.unref();
    return this.#closed.finally(() => clearTimeout(timer));
  }

  /** Cuts the socket now: the link is dead, nothing to say goodbye over. */
  destroy(): Promise<void> {
    this.#dropListeners.clear();
    if (this.#state === 'new') return Promise.resolve();
    this.#client.destroy();
    return this.#closed;
  }
}

/** Only the method the config asks for, so a failure is one attempt, never a fallback. */
function methods(auth: TunnelAuth): AuthenticationType[] {
  if (auth.agent) return ['agent'];
  if (auth.privateKey) return ['publickey'];
  return ['password'];
}

export function hostKeyRefusal(
  verdict: HostKeyVerdict,
  target: string,
  fingerprint: string,
): TuskError | null {
  if (verdict === 'known') return null;
  if (verdict === 'changed') {
    return new TuskError({
      kind: 'HostKeyChanged',
      fingerprint,
      message: `The host key of the SSH server ${target} has changed (now ${fingerprint}); the connection was refused. If the server's key was replaced on purpose, remove its old entry from the known-hosts file`,
    });
  }
  return new TuskError({
    kind: 'HostKeyUnknown',
    fingerprint,
    message: `The SSH server ${target} presented a host key not yet trusted: ${fingerprint}. Check it with the server's administrator, then accept it`,
  });
}

/**
 * The host key an SSH server presents, read by a handshake that stops right after it: nothing
 * is sent after the key exchange, no login is tried.
 */
export function presentedHostKey(ssh: SshTunnelConfig, timeoutSec: number): Promise<HostKey> {
  const client = new Client();
  let key: HostKey | null = null;
  const where = { target: `${ssh.host}:${ssh.port}`, username: ssh.username, timeoutSec };
  return new Promise<HostKey>((resolve, reject) => {
    client.on('error', (error) => (key ? resolve(key) : reject(toSshError(error, where))));
    client.once('close', () =>
      key ? resolve(key) : reject(toSshError(new Error('closed before the key exchange'), where)),
    );
    client.connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      readyTimeout: timeoutSec * 1000,
      hostVerifier: (blob: Buffer) => {
        key = hostKeyOf(blob);
        return false;
      },
    });
  }).finally(() => client.destroy());
}
