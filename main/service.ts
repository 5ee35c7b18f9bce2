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
import type { TestConnectionResult } from '../machines/diagnostics.types.ts';
import { TuskError } from '../machines/errors.ts';
import {
  type ConnectionActorRef,
  type ConnectionStatusEvent,
  connectionActorId,
  managerMachine,
} from '../machines/manager.machine.ts';
import { type CredentialStore, createKeytarStore } from './credentials/index.ts';
import { runConnectionTest } from './diagnostics/test-connection.ts';
import {
  createPgEffects,
  type PgEffects,
  type QueryResultView,
  readPassword,
  runQuery,
} from './pg/index.ts';
import { openStore } from './storage/index.ts';

export interface ConnectionInfo {
  id: string;
  serverVersion: string;
  currentDatabase: string;
  currentUser: string;
  backendPid: number;
}

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
  instrument?: (actors: PgEffects['actors']) => PgEffects['actors'];
}

const ConnectOptionsSchema = z
  .object({ password: z.string({ error: 'password must be text' }).optional() })
  .optional();
const IdSchema = z.uuid({ error: 'connectionId must be a UUID' });
const QuerySchema = z.object({
  sql: z.string({ error: 'sql must be text' }).trim().min(1, { error: 'sql is empty' }),
  params: z.array(z.unknown(), { error: 'params must be an array' }).default([]),
});

type ConnectOptions = z.infer<typeof ConnectOptionsSchema>;

/**
 * The public API of main/: every command the UI can send, over the manager actor and its
 * connection actors. Queries go to the pool directly, never through an actor's mailbox; the
 * actor owns the pool's life.
 */
export async function createConnectionService(options: ConnectionServiceOptions) {
  const store = await openStore(options.dataDir);
  const credentials = options.credentials ?? createKeytarStore();
  const effects = createPgEffects({ credentials });
  const actors = options.instrument?.(effects.actors) ?? effects.actors;
  const manager = createActor(
    managerMachine.provide({ actors: { connection: connectionMachine.provide({ actors }) } }),
    options.inspect ? { inspect: options.inspect } : {},
  );
  manager.start();
  let closed = false;

  // A corrupt file must not keep the app from starting: ad hoc connections still work, and
  // every store operation keeps reporting the file (with its path) until it is repaired.
  const saved = await store.listConnections().catch((error: unknown) => {
    if (error instanceof TuskError && error.kind === 'Storage') return [];
    throw error;
  });
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

  async function connect(input: unknown, opts?: ConnectOptions): Promise<ConnectionInfo> {
    ensureOpen();
    const config = validate(input);
    const { password } = parseWith(ConnectOptionsSchema, opts, 'connect options') ?? {};
    if (password !== undefined) effects.oneOffPasswords.set(config.id, password);
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
    };
  }

  async function disconnect(connectionId: unknown): Promise<void> {
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    effects.oneOffPasswords.delete(id);
    const ref = child(id);
    if (!ref) return;
    manager.send({ type: 'DISCONNECT', connectionId: id });
    await waitFor(ref, (s) => s.matches({ disconnected: 'closed' }), { timeout: Infinity });
  }

  async function testConnection(input: unknown, opts?: ConnectOptions) {
    ensureOpen();
    const config = validate(input);
    const { password } = parseWith(ConnectOptionsSchema, opts, 'test options') ?? {};
    const secret = password ?? (await readPassword(config, credentials))[1];
    return runConnectionTest(config, secret) satisfies Promise<TestConnectionResult>;
  }

  async function saveConnection(input: unknown, password?: unknown): Promise<void> {
    ensureOpen();
    const config = validate(input);
    const secret = parseWith(z.string().optional(), password, 'password');
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
    await credentials.deleteAll(id);
  }

  async function query(connectionId: unknown, sql: unknown, params?: unknown) {
    ensureOpen();
    const { id, ref, statement } = queryArguments(connectionId, sql, params);
    if (!ref) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    const waitMs = ref.getSnapshot().context.config.options.connectTimeoutSec * 1000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const session = effects.sessions.get(id);
      // The machine's `usable` tag is `connected` and its substates; cheaper than matches().
      if (session?.usable && ref.getSnapshot().hasTag('usable')) {
        try {
          return await runQuery(session, statement.sql, statement.params);
        } catch (error) {
          // NotConnected here means the query was never sent: wait for the reconnect, retry.
          if (!(error instanceof TuskError) || error.kind !== 'NotConnected') throw error;
        }
      }
      await untilUsable(ref, id, deadline);
    }
  }

  /**
   * The common call is checked with typeof alone, since queries are the hot path: the id of a
   * known connection was validated as a UUID with its config. Anything else goes through the
   * zod schemas, which decide and word the error.
   */
  function queryArguments(connectionId: unknown, sql: unknown, params: unknown) {
    if (
      typeof connectionId === 'string' &&
      typeof sql === 'string' &&
      (params === undefined || Array.isArray(params))
    ) {
      const ref = child(connectionId);
      const text = sql.trim();
      if (ref && text !== '') {
        return { id: connectionId, ref, statement: { sql: text, params: params ?? [] } };
      }
    }
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    const statement = parseWith(QuerySchema, { sql, params }, 'query');
    return { id, ref: child(id), statement };
  }

  /** Waits, within the deadline, for the actor to be connected on a usable session again. */
  async function untilUsable(ref: ConnectionActorRef, id: string, deadline: number) {
    const snapshot = await waitFor(
      ref,
      (s) =>
        s.matches('disconnected') ||
        s.matches('error') ||
        (s.matches('connected') && effects.sessions.get(id)?.usable === true),
      { timeout: Math.max(0, deadline - Date.now()) },
    ).catch(() => null);
    if (snapshot === null) {
      throw new TuskError({
        kind: 'NotConnected',
        message: 'The connection did not come back in time; the query was not sent',
      });
    }
    if (!snapshot.matches('connected')) throw failureOf(ref, 'Not connected');
  }

  return {
    connect,
    disconnect,
    testConnection,
    saveConnection,
    deleteConnection,
    query: query as (id: string, sql: string, params?: unknown[]) => Promise<QueryResultView>,
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
    /** Ends every pool and timer; afterwards the process can exit by itself. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const ids = Object.keys(manager.getSnapshot().context.statuses);
      // Only connections with something open need a disconnect to wait for: most saved ones
      // are idle, and a waitFor per connection is most of the cost of closing thousands.
      const open = ids.filter(
        (id) => !child(id)?.getSnapshot().matches({ disconnected: 'closed' }),
      );
      await Promise.all(open.map((id) => disconnect(id)));
      await effects.closeAll();
      // One event stops every connection actor: stopping the manager with its children still
      // in place makes xstate copy them once per child (machines/stop-children.ts).
      manager.send({ type: 'CONNECTIONS_REMOVE', connectionIds: ids });
      manager.stop();
    },
  };
}

export type ConnectionService = Awaited<ReturnType<typeof createConnectionService>>;
