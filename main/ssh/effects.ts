import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { fromCallback, fromPromise } from 'xstate';
import type { ConnectionConfig } from '../../machines/config.ts';
import type { SessionInput } from '../../machines/connection.types.ts';
import { TuskError } from '../../machines/errors.ts';
import type { TunnelEvent, TunnelOpened } from '../../machines/tunnel.machine.ts';
import { type SecretKind, SSH_PASSPHRASE, SSH_PASSWORD } from '../credentials/index.ts';
import type { ChannelSocket } from './channel-socket.ts';
import { addHostKey, checkHostKey, fingerprintOf, knownHostsName } from './known-hosts.ts';
import { presentedHostKey, SshTunnel, type TunnelAuth } from './tunnel.ts';

/** The one thing the tunnel needs from the keyring. */
export interface SshSecretSource {
  getSecret?(connectionId: string, kind: SecretKind): Promise<string | null>;
}

export interface SshEffectsOptions {
  credentials?: SshSecretSource;
  /** Tusk's own known-hosts file, where accepted keys go: `<dataDir>/known_hosts`. */
  knownHostsFile: string;
  /** The user's, read but never written; `~/.ssh/known_hosts` by default. */
  userKnownHostsFile?: string;
  /** The SSH agent's socket; `SSH_AUTH_SOCK` by default. */
  agentSocket?: string;
}

export interface OneOffSshSecrets {
  sshPassword?: string;
  sshPassphrase?: string;
}

/** SSH secrets given to one `connect()` call, by connection id; prints and serialises redacted. */
export class OneOffSecrets extends Map<string, OneOffSshSecrets> {
  [inspect.custom](): string {
    return `OneOffSecrets(${this.size}) [redacted]`;
  }
  toJSON(): Record<string, never> {
    return {};
  }
}

const expandHome = (path: string) =>
  path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;

/**
 * The tunnel machine's effects on ssh2, for `tunnelMachine.provide({ actors })`, and the one
 * open tunnel per connection, whose `stream` the pg session hands to each of its clients.
 * Inputs and outputs carry ids and configs, never a secret: those are read here, used for the
 * handshake and dropped.
 */
export function createSshEffects(options: SshEffectsOptions) {
  const tunnels = new Map<string, SshTunnel>();
  const oneOffSecrets = new OneOffSecrets();
  const knownHosts = [
    options.userKnownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
    options.knownHostsFile,
  ];

  async function secret(
    config: ConnectionConfig,
    kind: SecretKind,
    what: string,
    given?: OneOffSshSecrets,
  ) {
    const oneOff = given ?? oneOffSecrets.get(config.id);
    const once = kind === SSH_PASSWORD ? oneOff?.sshPassword : oneOff?.sshPassphrase;
    if (once !== undefined) return once;
    if (!options.credentials?.getSecret) return null;
    try {
      return await options.credentials.getSecret(config.id, kind);
    } catch (error) {
      if (error instanceof TuskError) throw error;
      throw new TuskError(
        { kind: 'CredentialNotFound', message: `Reading the ${what} of "${config.name}" failed` },
        { cause: error },
      );
    }
  }

  async function authFor(config: ConnectionConfig, given?: OneOffSshSecrets): Promise<TunnelAuth> {
    const ssh = config.sshTunnel!;
    const missing = (why: string) =>
      new TuskError({ kind: 'CredentialNotFound', message: `No SSH ${why} for "${config.name}"` });
    if (ssh.auth === 'password') {
      const password = await secret(config, SSH_PASSWORD, 'SSH password', given);
      if (password === null) throw missing('password: it is not in the keyring');
      return { password };
    }
    if (ssh.auth === 'agent') {
      const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
      if (!agent) throw missing('agent: SSH_AUTH_SOCK is not set');
      return { agent };
    }
    const path = expandHome(ssh.keyPath ?? '');
    let privateKey: Buffer;
    try {
      privateKey = await readFile(path);
    } catch (error) {
      throw new TuskError(
        {
          kind: 'CredentialNotFound',
          message: `Cannot read the SSH key ${path}: ${(error as Error).message}`,
        },
        { cause: error },
      );
    }
    const passphrase = await secret(config, SSH_PASSPHRASE, 'SSH key passphrase', given);
    return passphrase === null ? { privateKey } : { privateKey, passphrase };
  }

  const openTunnel = (id: string): SshTunnel => {
    const tunnel = tunnels.get(id);
    if (!tunnel?.open) {
      throw new TuskError({ kind: 'ConnectionLost', message: 'The SSH tunnel is not open' });
    }
    return tunnel;
  };

  async function close(id: string, polite = true): Promise<void> {
    const tunnel = tunnels.get(id);
    if (!tunnel) return;
    tunnels.delete(id);
    await (polite ? tunnel.close() : tunnel.destroy());
  }

  const actors = {
    openTunnel: fromPromise<TunnelOpened, SessionInput>(async ({ input, signal }) => {
      const { connectionId, config } = input;
      // One tunnel per connection: a previous one (its close interrupted) goes first.
      await close(connectionId);
      const auth = await authFor(config);
      const tunnel = new SshTunnel(connectionId, config.sshTunnel!, {
        timeoutSec: config.options.connectTimeoutSec,
        knownHosts,
      });
      tunnels.set(connectionId, tunnel);
      try {
        return await tunnel.connect(auth, signal);
      } catch (error) {
        if (tunnels.get(connectionId) === tunnel) await close(connectionId, false);
        throw error;
      }
    }),

    probeTunnel: fromPromise<void, SessionInput>(({ input }) =>
      openTunnel(input.connectionId).probe(),
    ),

    watchTunnel: fromCallback<TunnelEvent, SessionInput>(({ input, sendBack }) => {
      const dropped = (error: TuskError) =>
        sendBack({ type: 'TUNNEL_DROPPED', error: error.toJSON() });
      const tunnel = tunnels.get(input.connectionId);
      if (tunnel?.open) return tunnel.onDrop(dropped);
      const gone = new TuskError({
        kind: 'ConnectionLost',
        message: 'The SSH tunnel is already closed',
      });
      queueMicrotask(() => dropped(gone));
      return undefined;
    }),
  };

  const actions = {
    abandonLink: (_: unknown, params: { connectionId: string }) => {
      void close(params.connectionId, false);
    },
  };

  return {
    actors,
    actions,
    oneOffSecrets,
    /** The login for a config: secrets given for one call first, then the keyring's. */
    authFor,
    /** Every known-hosts file read: the user's, then Tusk's own. */
    knownHosts: knownHosts as readonly string[],
    /** pg's `stream` option for the connection's open tunnel; undefined without one. */
    streamFor(connectionId: string): (() => ChannelSocket) | undefined {
      const tunnel = tunnels.get(connectionId);
      return tunnel?.open ? tunnel.stream : undefined;
    },
    /** Ends the connection's SSH connection, if any; resolves when its socket has closed. */
    close,
    async closeAll(): Promise<void> {
      oneOffSecrets.clear();
      await Promise.all([...tunnels.keys()].map((id) => close(id)));
    },
    /**
     * Trusts the host key of the config's SSH server, written to Tusk's known-hosts file, if the
     * server still presents the key with that fingerprint. A changed key is never accepted.
     */
    async acceptHostKey(config: ConnectionConfig, fingerprint: string): Promise<void> {
      const ssh = config.sshTunnel;
      if (!ssh?.enabled) {
        throw new TuskError({
          kind: 'InvalidInput',
          field: 'connectionId',
          message: `"${config.name}" has no SSH tunnel`,
        });
      }
      const key = await presentedHostKey(ssh, config.options.connectTimeoutSec);
      const presented = fingerprintOf(key.blob);
      if (presented !== fingerprint) {
        throw new TuskError({
          kind: 'InvalidInput',
          field: 'fingerprint',
          fingerprint: presented,
          message: `The SSH server ${ssh.host}:${ssh.port} presents ${presented}, not ${fingerprint}; nothing was trusted`,
        });
      }
      const name = knownHostsName(ssh.host, ssh.port);
      const verdict = await checkHostKey(knownHosts, name, key);
      if (verdict === 'changed') {
        throw new TuskError({
          kind: 'HostKeyChanged',
          fingerprint: presented,
          message: `The host key of ${ssh.host}:${ssh.port} differs from the one already known; remove the old entry first`,
        });
      }
      if (verdict === 'unknown') await addHostKey(options.knownHostsFile, name, key);
    },
  };
}

export type SshEffects = ReturnType<typeof createSshEffects>;
