import { join } from 'node:path';
import { type Actor, createActor, type InspectionEvent, type Observer, waitFor } from 'xstate';
import { z } from 'zod';
import {
  type ConnectionConfig,
  type ConnectionGroup,
  type ConnectionStatus,
  parseWith,
  validate,
  validateGroup,
} from '../machines/config.ts';
import { connectionMachine } from '../machines/connection.machine.ts';
import type { WakeCause } from '../machines/connection.types.ts';
import type { TestConnectionResult } from '../machines/diagnostics.types.ts';
import { TuskError } from '../machines/errors.ts';
import type { ConnectionInfo } from '../machines/ipc.ts';
import {
  type ConnectionActorRef,
  type ConnectionStatusEvent,
  connectionActorId,
  managerMachine,
} from '../machines/manager.machine.ts';
import { type TunnelMachine, tunnelMachine } from '../machines/tunnel.machine.ts';
import type { SessionView, TransitionRecord } from '../machines/views.ts';
import {
  type CredentialStore,
  createKeytarStore,
  type SecretStore,
  SSH_PASSPHRASE,
  SSH_PASSWORD,
  SSL_KEY_PASSPHRASE,
} from './credentials/index.ts';
import { runConnectionTest } from './diagnostics/test-connection.ts';
import { openHistory, recordTransitions } from './history/index.ts';
import {
  createPgEffects,
  type PgEffects,
  readKeyPassphrase,
  readPassword,
  SessionTable,
} from './pg/index.ts';
import {
  defaultPgFilesContext,
  type PgFilesContext,
  passwordFileSource,
  pgConventionCommands,
} from './pgfiles/index.ts';
import { createStatementPipeline } from './sql/pipeline.ts';
import { parserReady } from './sql/plan.ts';
import { createSshEffects, type SshEffectsOptions } from './ssh/index.ts';
import { openStore } from './storage/index.ts';
import { type WakeWatchOptions, watchForWake } from './wake/index.ts';

export type { ConnectionInfo };

export interface ConnectionServiceOptions {
  dataDir: string;
  /** Where passwords live; the OS keyring (keytar, service `tusk`) unless a test brings its own. */
  credentials?: CredentialStore;
  /** Passed to the manager actor, e.g. @statelyai/inspect's `inspector.inspect`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Test seam for the model-based tests: wraps the connection machine's effect actors, e.g. to
   * cause a fault right before a step runs. The wrapper must still run the real effect.
   */
  instrument?: (actors: ConnectionActors) => ConnectionActors;
  /** Where libpq's files (~/.pgpass, service files) and PG* variables are read; process's own by default. */
  pgFiles?: PgFilesContext;
  /**
   * SSH tunnels: the user's known-hosts file (read only; `~/.ssh/known_hosts` by default), the
   * agent's socket (`SSH_AUTH_SOCK` by default). Accepted host keys go to
   * `<dataDir>/known_hosts` unless `knownHostsFile` says otherwise.
   */
  ssh?: Partial<SshEffectsOptions>;
  /**
   * Sleep and network-change detection (main/wake): WAKE every connection after a wall-clock
   * gap or when an address comes or goes. On unless false (the model tests send WAKE themselves).
   */
  wakeWatch?: WakeWatchOptions | false;
}

/** The connection machine's effects: PostgreSQL's, and the SSH tunnel machine with its own. */
export type ConnectionActors = PgEffects['actors'] & { tunnel: TunnelMachine };

/** The secrets besides the password a connect or a save may bring: the SSH ones, the key's. */
const SecretsSchema = z.object({
  sshPassword: z.string({ error: 'sshPassword must be text' }).optional(),
  sshPassphrase: z.string({ error: 'sshPassphrase must be text' }).optional(),
  sslPassword: z.string({ error: 'sslPassword must be text' }).optional(),
});
const ConnectOptionsSchema = z
  .object({
    password: z.string({ error: 'password must be text' }).optional(),
    ...SecretsSchema.shape,
  })
  .optional();
const SshSecretsSchema = SecretsSchema.optional();
const FingerprintSchema = z
  .string({ error: 'fingerprint must be text' })
  .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
    error: 'fingerprint must be SHA256:<43 base64 characters>',
  });
const IdSchema = z.uuid({ error: 'connectionId must be a UUID' });
const SinceSchema = z.number({ error: 'since must be a number (epoch ms)' }).finite();
const SessionIdSchema = z
  .string({ error: 'sessionId must be text' })
  .min(1, { error: 'sessionId is empty' });

type ConnectOptions = z.infer<typeof ConnectOptionsSchema>;

/**
 * The public API of main/: every command the UI can send, over the manager actor and its
 * connection actors. Queries go to the pool directly, never through an actor's mailbox; the
 * actor owns the pool's life.
 */
export async function createConnectionService(options: ConnectionServiceOptions) {
  // The statement parser (WASM) loads while the store opens; read-only statements need it.
  const [store] = await Promise.all([openStore(options.dataDir), parserReady()]);
  const credentials = options.credentials ?? createKeytarStore();
  const pgFiles = options.pgFiles ?? defaultPgFilesContext();
  const passwordFile = passwordFileSource(pgFiles);
  const ssh = createSshEffects({
    credentials: credentials as Partial<SecretStore>,
    knownHostsFile: join(options.dataDir, 'known_hosts'),
    ...options.ssh,
  });
  const effects = createPgEffects({ credentials, passwordFile, tunnels: ssh });
  const provided: ConnectionActors = {
    ...effects.actors,
    tunnel: tunnelMachine.provide({ actors: ssh.actors, actions: ssh.actions }),
  };
  const actors = options.instrument?.(provided) ?? provided;
  const manager = createActor(
    managerMachine.provide({ actors: { connection: connectionMachine.provide({ actors }) } }),
    options.inspect ? { inspect: options.inspect } : {},
  );
  manager.start();
  const pinned = new SessionTable();
  let closed = false;

  // A corrupt file must not keep the app from starting: ad hoc connections still work, and
  // every store operation keeps reporting the file (with its path) until it is repaired.
  let savedRead = true;
  const saved = await store.listConnections().catch((error: unknown) => {
    if (error instanceof TuskError && error.kind === 'Storage') {
      savedRead = false;
      return [];
    }
    throw error;
  });
  // Read back before the actors start, so each view begins with what happened before; the
  // files of connections no longer saved (ad hoc ones of the last run) go, unless the file of
  // saved ones could not be read and so cannot say which those are.
  const history = await openHistory(options.dataDir, {
    ...(savedRead && { known: new Set(saved.map((c) => c.id)) }),
    onWriteError: (error) =>
      console.warn(`tusk: the transition history could not be written: ${String(error)}`),
  });
  const stopRecording = recordTransitions(manager, (id, record) => history.record(id, record));
  manager.send({ type: 'CONNECTIONS_LOAD', configs: saved });

  // `connection:<id>` made once per connection, not on every query: the actor lookup (a
  // Map.get) otherwise hashes a freshly concatenated string each time.
  const actorIds = new Map<string, string>();
  const child = (id: string) => {
    let key = actorIds.get(id);
    if (key === undefined) {
      key = connectionActorId(id);
      if (manager.system.get(key)) actorIds.set(id, key);
    }
    return manager.system.get(key) as ConnectionActorRef | undefined;
  };

  const ensureOpen = () => {
    if (closed) throw new TuskError({ kind: 'NotConnected', message: 'The service is closed' });
  };

  const statusOf = (id: string): ConnectionStatus =>
    manager.getSnapshot().context.statuses[id] ?? 'disconnected';

  const failureOf = (ref: ConnectionActorRef, fallback: string) => {
    const error = ref.getSnapshot().context.lastError;
    return error
      ? TuskError.fromJSON(error)
      : new TuskError({ kind: 'NotConnected', message: fallback });
  };

  const statements = createStatementPipeline({
    child,
    sessions: effects.sessions,
    pinned,
    ensureOpen,
    failureOf,
    demand: effects.demand,
  });

  async function connect(input: unknown, opts?: ConnectOptions): Promise<ConnectionInfo> {
    ensureOpen();
    const config = validate(input);
    const { password, sshPassword, sshPassphrase } =
      parseWith(ConnectOptionsSchema, opts, 'connect options') ?? {};
    if (password !== undefined) effects.oneOffPasswords.set(config.id, password);
    if (sshPassword !== undefined || sshPassphrase !== undefined) {
      ssh.oneOffSecrets.set(config.id, {
        ...(sshPassword !== undefined && { sshPassword }),
        ...(sshPassphrase !== undefined && { sshPassphrase }),
      });
    }
    manager.send({ type: 'CONNECTION_ADD', config });
    const ref = child(config.id)!;
    if (!ref.getSnapshot().matches('connected')) {
      manager.send({ type: 'CONNECT', connectionId: config.id });
      const settled = await waitFor(ref, (s) => !s.hasTag('busy'), { timeout: Infinity });
      if (!settled.matches('connected')) {
        throw failureOf(ref, 'Disconnected before the connection was established');
      }
    }
    // lastConnectedAt is a nicety: a file the store cannot write (corrupt, and reported by every
    // store call) must not turn an open connection into a failed connect.
    await store.touchConnection(config.id, new Date().toISOString()).catch((error: unknown) => {
      if (!(error instanceof TuskError && error.kind === 'Storage')) throw error;
    });
    const server = ref.getSnapshot().context.server!;
    return {
      id: config.id,
      serverVersion: server.version,
      currentDatabase: server.currentDatabase,
      currentUser: server.currentUser,
      backendPid: server.backendPid,
      host: server.host ?? config.host,
      port: server.port ?? config.port,
    };
  }

  async function disconnect(connectionId: unknown): Promise<void> {
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    effects.oneOffPasswords.delete(id);
    ssh.oneOffSecrets.delete(id);
    const ref = child(id);
    if (!ref) return;
    manager.send({ type: 'DISCONNECT', connectionId: id });
    await waitFor(ref, (s) => s.matches({ disconnected: 'closed' }), { timeout: Infinity });
    // The close cancelled their statements and ended their backends (the server rolled back
    // what was open), within connectTimeoutSec even on a dead network; now they go.
    await pinned.closeAllOf(id);
  }

  /**
   * RETRY: from `error` a connect now; while `reconnecting` the next attempt now, without waiting
   * out its backoff. Elsewhere the machine ignores it. Resolves once the actor has the event.
   */
  async function retry(connectionId: unknown): Promise<void> {
    ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    if (!child(id)) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    manager.send({ type: 'RETRY', connectionId: id });
  }

  /**
   * WAKE for one connection: while connected a keepalive ping now, while waiting to reconnect
   * the attempt now. Elsewhere the machine ignores it. Resolves once the actor has the event.
   */
  async function wake(connectionId: unknown): Promise<void> {
    ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    if (!child(id)) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    manager.send({ type: 'WAKE', connectionId: id, cause: 'user' });
  }

  /** WAKE for every connection, saying why (the host slept, its network changed, ...). */
  function wakeAll(cause: WakeCause): void {
    if (closed) return;
    manager.send({ type: 'WAKE', cause });
  }
  const stopWatching =
    options.wakeWatch === false ? () => {} : watchForWake(wakeAll, options.wakeWatch);

  async function testConnection(input: unknown, opts?: ConnectOptions) {
    ensureOpen();
    const config = validate(input);
    const { password, sshPassword, sshPassphrase, sslPassword } =
      parseWith(ConnectOptionsSchema, opts, 'test options') ?? {};
    const [source, secret, note] =
      password !== undefined
        ? (['one-off', password] as const)
        : await readPassword(config, credentials, passwordFile);
    const given = {
      ...(sshPassword !== undefined && { sshPassword }),
      ...(sshPassphrase !== undefined && { sshPassphrase }),
    };
    const keyPassphrase =
      sslPassword ?? (await readKeyPassphrase(config, credentials as SecretStore));
    return runConnectionTest(config, secret, {
      ...(keyPassphrase !== undefined && { keyPassphrase }),
      passwordSource: { source, ...(note && { note }) },
      ssh: { authFor: (c) => ssh.authFor(c, given), knownHosts: ssh.knownHosts },
    }) satisfies Promise<TestConnectionResult>;
  }

  async function saveConnection(
    input: unknown,
    password?: unknown,
    sshSecrets?: unknown,
  ): Promise<void> {
    ensureOpen();
    const config = validate(input);
    const secret = parseWith(z.string().optional(), password, 'password');
    const { sshPassword, sshPassphrase, sslPassword } =
      parseWith(SshSecretsSchema, sshSecrets, 'SSH secrets') ?? {};
    if ((sshPassword || sshPassphrase || sslPassword) && !('setSecret' in credentials)) {
      throw new TuskError({
        kind: 'CredentialNotFound',
        message: 'This credential store cannot keep SSH secrets',
      });
    }
    if (secret && !config.passwordInKeyring) {
      // Quietly flipping the flag would make the caller's own copy of the config disagree
      // with the saved one, and its next connect would not read the keyring.
      throw new TuskError({
        kind: 'InvalidInput',
        field: 'passwordInKeyring',
        message: 'Invalid connection config: passwordInKeyring: must be true to save a password',
      });
    }
    if (secret) await credentials.setPassword(config.id, secret);
    const secrets = credentials as SecretStore;
    if (sshPassword) await secrets.setSecret(config.id, SSH_PASSWORD, sshPassword);
    if (sshPassphrase) await secrets.setSecret(config.id, SSH_PASSPHRASE, sshPassphrase);
    if (sslPassword) await secrets.setSecret(config.id, SSL_KEY_PASSPHRASE, sslPassword);
    await store.saveConnection(config);
    manager.send({ type: 'CONNECTION_ADD', config });
  }

  async function deleteConnection(connectionId: unknown): Promise<void> {
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    await disconnect(id);
    // The config goes first: if the file refuses (corrupt), the saved connection keeps its
    // password and its actor. A keyring that fails afterwards is reported, and calling again
    // finishes the job.
    await store.deleteConnection(id);
    manager.send({ type: 'CONNECTION_REMOVE', connectionId: id });
    actorIds.delete(id);
    await history.remove(id);
    await credentials.deleteAll(id);
  }

  // Imports save through saveConnection/saveGroup, so they follow the same rules (keyring).
  const conventions = pgConventionCommands({
    context: pgFiles,
    sink: {
      listGroups: () => store.listGroups(),
      saveGroup: (group) => store.saveGroup(validateGroup(group)),
      listConnections: () => store.listConnections().then((cs) => cs.map((config) => ({ config }))),
      saveConnection,
    },
    configOf: async (id) =>
      (await store.getConnection(id)) ?? child(id)?.getSnapshot().context.config ?? null,
  });
  /**
   * Trusts the SSH server's host key for the connection (a HostKeyUnknown error carries its
   * fingerprint): written to Tusk's known-hosts file only if the server still presents the key
   * with that fingerprint. A changed key is refused.
   */
  async function acceptHostKey(connectionId: unknown, fingerprint: unknown): Promise<void> {
    ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    const print = parseWith(FingerprintSchema, fingerprint, 'fingerprint');
    const ref = child(id);
    if (!ref) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    await ssh.acceptHostKey(ref.getSnapshot().context.config, print);
  }

  return {
    ...conventions,
    connect,
    disconnect,
    retry,
    wake,
    wakeAll,
    acceptHostKey,
    testConnection,
    saveConnection,
    deleteConnection,
    /** Queries, sessions, plans and scripts: the statement pipeline (main/sql/pipeline.ts). */
    ...statements,
    /** Rolls back, resets and gives the backend back; resolves for a lost or unknown session. */
    async closeSession(sessionId: unknown): Promise<void> {
      await pinned.close(parseWith(SessionIdSchema, sessionId, 'sessionId'));
    },
    /** A CancelRequest for the session's running statement; resolves when it was delivered. */
    async cancel(sessionId: unknown): Promise<void> {
      await pinned.get(parseWith(SessionIdSchema, sessionId, 'sessionId'))?.cancel();
    },
    /** The connection's open sessions, for its view (machines/views.ts ConnectionView.sessions). */
    sessionsOf(connectionId: string): SessionView[] {
      return pinned.viewsOf(connectionId);
    },
    /** Called with a connection id whenever one of its sessions opens, changes or closes. */
    onSessionsChange(listener: (connectionId: string) => void): () => void {
      return pinned.onChange(listener);
    },
    async listConnections(): Promise<{ config: ConnectionConfig; status: ConnectionStatus }[]> {
      const configs = await store.listConnections();
      // A file that was corrupt at start and has been repaired since: its connections get their
      // actors now, as they would have at start.
      for (const config of configs) {
        if (!child(config.id)) manager.send({ type: 'CONNECTION_ADD', config });
      }
      return configs.map((config) => ({
        config,
        status: statusOf(config.id),
      }));
    },
    async getConnectionStatus(connectionId: unknown): Promise<ConnectionStatus> {
      return statusOf(parseWith(IdSchema, connectionId, 'connectionId'));
    },
    listGroups: (): Promise<ConnectionGroup[]> => store.listGroups(),
    saveGroup: async (group: unknown) => store.saveGroup(validateGroup(group)),
    deleteGroup: async (groupId: unknown) => {
      const id = parseWith(IdSchema, groupId, 'groupId');
      await store.deleteGroup(id);
      // The store ungrouped its connections; their actors hold a copy of the config, which
      // snapshot readers see, so they get the ungrouped one too.
      for (const config of await store.listConnections()) {
        if (child(config.id)?.getSnapshot().context.config.groupId === id) {
          manager.send({ type: 'CONNECTION_ADD', config });
        }
      }
    },
    onStatus(listener: (event: ConnectionStatusEvent) => void): () => void {
      const subscription = manager.on('connection:status', ({ type: _, ...event }) =>
        listener(event),
      );
      return () => subscription.unsubscribe();
    },
    manager: manager as Actor<typeof managerMachine>,
    /** The transitions as recorded (main/history), for the views; `flush` waits for the disk. */
    history: {
      recent: history.recent,
      onRecord: history.onRecord,
      flush: history.flush,
    },
    /** A connection's transitions and its tunnel's, oldest first, from `since` (epoch ms) on. */
    async getHistory(connectionId: unknown, since?: unknown): Promise<TransitionRecord[]> {
      const id = parseWith(IdSchema, connectionId, 'connectionId');
      return history.read(id, parseWith(SinceSchema.optional(), since, 'since'));
    },
    /** Every connection's transitions from `since` (epoch ms) on: the all-connections timeline. */
    listHistory: async (since: unknown) => history.list(parseWith(SinceSchema, since, 'since')),
    /** Ends every pool and timer; afterwards the process can exit by itself. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopWatching();
      const ids = Object.keys(manager.getSnapshot().context.statuses);
      // Only connections with something open need a disconnect to wait for: most saved ones
      // are idle, and a waitFor per connection is most of the cost of closing thousands.
      const open = ids.filter(
        (id) => !child(id)?.getSnapshot().matches({ disconnected: 'closed' }),
      );
      await Promise.all(open.map((id) => disconnect(id)));
      await effects.closeAll();
      await ssh.closeAll();
      // One event stops every connection actor: stopping the manager with its children still
      // in place makes xstate copy them once per child (machines/stop-children.ts).
      manager.send({ type: 'CONNECTIONS_REMOVE', connectionIds: ids });
      manager.stop();
      stopRecording();
      await history.close();
    },
  };
}

export type ConnectionService = Awaited<ReturnType<typeof createConnectionService>>;
