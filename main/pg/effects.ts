import { inspect } from 'node:util';
import { fromCallback, fromPromise } from 'xstate';
import type { ConnectionConfig } from '../../machines/config.ts';
import type {
  CloseInput,
  ConnectionEvent,
  CredentialSource,
  PingInput,
  PingResult,
  ProbeInput,
  ServerInfo,
  SessionInput,
  SessionSettings,
} from '../../machines/connection.types.ts';
import { isRetryable, TuskError } from '../../machines/errors.ts';
import type { PasswordFileSource } from '../pgfiles/pgpass.ts';
import type { SocketFactory } from './cancel.ts';
import { notConnected, toTuskError } from './errors.ts';
import { openMatching } from './hosts.ts';
import { type KeyPassphraseSource, readKeyPassphrase } from './key-passphrase.ts';
import { runPasswordCommand } from './password-command.ts';
import { type CloseReason, PgSession } from './session.ts';

/** The one thing the effects need from the keyring. */
export interface PasswordSource extends KeyPassphraseSource {
  getPassword(connectionId: string): Promise<string | null>;
}

export interface PgEffectsOptions {
  credentials?: PasswordSource;
  /** libpq's password file, read when the keyring has no password (main/pgfiles). */
  passwordFile?: PasswordFileSource;
  /**
   * The SSH tunnels (main/ssh): a tunnelled session's sockets are channels of its connection's
   * tunnel, and closing the session closes the tunnel after the pool.
   */
  tunnels?: {
    streamFor(connectionId: string): SocketFactory | undefined;
    /** `polite`: say goodbye first; else cut the socket (the link may be dead). */
    close(connectionId: string, polite: boolean): Promise<void>;
  };
}

/**
 * Passwords given to one `connect()` call, by connection id. The service sets and deletes
 * entries; reconnects of that connection read it again. It prints and serialises as redacted.
 */
export class OneOffPasswords extends Map<string, string> {
  [inspect.custom](): string {
    return `OneOffPasswords(${this.size}) [redacted]`;
  }
  toJSON(): Record<string, never> {
    return {};
  }
}

/**
 * Per connection id: the session, and between resolveCredentials and openSession the password
 * (a non-enumerable property, as pg-pool does, so it never shows in a log or a stack trace).
 */
interface Slot {
  session: PgSession | null;
  password?: string;
  /**
   * The readiness probe's open, in flight or done, for the next openSession to take: its session,
   * or the failure it ended with (the attempt reports that rather than logging in again).
   */
  probe?: ProbeTry;
}

interface ProbeTry {
  outcome: Promise<PgSession | TuskError>;
  /** `reason`: how a login the abort finds in flight is closed. */
  abort(reason?: CloseReason): void;
}

/**
 * While a reconnect waits for its backoff timer and somebody is waiting for the connection (a
 * query, a session's open: `demand`), the readiness probe tries the same open at once, one try
 * in flight, the next as soon as one is refused, as a bare pool's next query would; the try
 * that succeeds is the session the attempt takes, so noticing the server costs no round trip of
 * its own. With nobody waiting it tries nothing: the attempts follow the backoff alone, and a
 * server coming back from an outage meets a few attempts per client, not a stream of logins.
 */
function setPassword(slot: Slot, password: string | undefined): void {
  Object.defineProperty(slot, 'password', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: password,
  });
}

/**
 * The password a config asks for: the keyring's when `passwordInKeyring`, else (or when the
 * keyring has none) libpq's password file, when one is given; a config that needs a password
 * and finds none is CredentialNotFound. Shared by connecting and by "Test connection". The third
 * element says, for the connection test, which file was read or why it was ignored.
 */
export async function readPassword(
  config: ConnectionConfig,
  credentials: PasswordSource | undefined,
  passwordFile?: PasswordFileSource,
): Promise<[CredentialSource, string?, string?]> {
  // A token command is run for every attempt: what it printed an hour ago has expired.
  if (config.passwordCommand) {
    return ['command', await runPasswordCommand(config.passwordCommand, config.name)];
  }
  const missing = (why: string, cause?: unknown) =>
    new TuskError(
      { kind: 'CredentialNotFound', message: `No password for "${config.name}": ${why}` },
      cause === undefined ? {} : { cause },
    );
  if (config.passwordInKeyring && credentials) {
    let password: string | null;
    try {
      password = await credentials.getPassword(config.id);
    } catch (error) {
      if (error instanceof TuskError) throw error;
      throw missing(`reading the keyring failed (${(error as Error).message})`, error);
    }
    if (password !== null) return ['keyring', password];
  }
  const fromFile = passwordFile ? await passwordFile(config) : undefined;
  if (fromFile?.password !== undefined) return ['pgpass', fromFile.password, fromFile.file];
  if (config.passwordInKeyring) {
    const file = fromFile ? (fromFile.warning ?? `nor in ${fromFile.file}`) : '';
    const why = credentials ? 'it is not in the keyring' : 'no keyring is available';
    throw missing(file ? `${why}; ${file}` : why);
  }
  return fromFile?.warning ? ['none', undefined, fromFile.warning] : ['none'];
}

/**
 * The connection machine's effects against real PostgreSQL, for
 * `connectionMachine.provide({ actors: effects.actors })`. Actor inputs and outputs carry ids,
 * configs and results, never a password: that stays in this closure.
 */
export function createPgEffects(options: PgEffectsOptions = {}) {
  const slots = new Map<string, Slot>();
  /** Sessions that finished opening and are not closed, for the query path. */
  const sessions = new Map<string, PgSession>();
  const oneOffPasswords = new OneOffPasswords();
  /** Set by closeAll(): the service is closing, and no session may open after that. */
  let shutDown = false;
  /** Per connection id: how many callers wait for it, and the probes to tell when one starts. */
  const waiting = new Map<string, number>();
  const demandListeners = new Map<string, Set<() => void>>();
  const wanted = (id: string) => (waiting.get(id) ?? 0) > 0;

  const slotFor = (id: string): Slot => {
    let slot = slots.get(id);
    if (!slot) {
      slot = { session: null };
      setPassword(slot, undefined);
      slots.set(id, slot);
    }
    return slot;
  };

  const sessionFor = (id: string): PgSession => {
    const session = slots.get(id)?.session;
    if (!session || session.closed) throw notConnected();
    return session;
  };

  /** Closes a connection's session; never rejects, and runs to the end even if its actor stops. */
  async function closeSlot(id: string, reason: CloseReason): Promise<void> {
    const slot = slots.get(id);
    if (!slot) return;
    setPassword(slot, undefined);
    await dropProbe(slot, reason);
    const session = slot.session;
    if (!session) return;
    if (sessions.get(id) === session) sessions.delete(id);
    try {
      await session.close(reason);
    } catch {
      // close() is built not to reject; were it to, the machine must still hear SESSION_CLOSED.
    } finally {
      if (slot.session === session) slot.session = null;
    }
  }

  /**
   * Ends the probe's try, if any: aborted in flight, closed if it had opened; for a disconnect,
   * a login the server answered is let finish and ended politely (see closeClients).
   */
  async function dropProbe(slot: Slot, reason: CloseReason = 'failed'): Promise<void> {
    const probe = slot.probe;
    if (!probe) return;
    slot.probe = undefined;
    probe.abort(reason);
    const outcome = await probe.outcome;
    if (outcome instanceof PgSession) await outcome.close(reason);
  }

  /**
   * The probe's try, for the attempt: waits for it if in flight (a cancelled attempt aborts it),
   * then its session, or its failure thrown; undefined when there was none.
   */
  async function takeProbe(slot: Slot, signal: AbortSignal): Promise<PgSession | undefined> {
    const probe = slot.probe;
    if (!probe) return undefined;
    slot.probe = undefined;
    const abort = () => probe.abort();
    signal.addEventListener('abort', abort, { once: true });
    const outcome = await probe.outcome.finally(() => signal.removeEventListener('abort', abort));
    if (outcome instanceof TuskError) throw outcome;
    if (signal.aborted || outcome.closed) {
      await outcome.close('failed');
      throw new TuskError({ kind: 'ConnectionFailed', message: 'Connecting was cancelled' });
    }
    // The attempt resolved the password again; the open session needs none.
    setPassword(slot, undefined);
    return outcome;
  }

  /** One open of the session, as the probe tries it: never rejects, aborted by `controller`. */
  function probeTry(input: ProbeInput, controller: AbortController): ProbeTry {
    const { connectionId, config } = input;
    const outcome = (async () => {
      try {
        const [, password] = await resolvePassword(input);
        const keyPassphrase = await readKeyPassphrase(config, options.credentials);
        if (controller.signal.aborted) throw notConnected();
        const closeReason = (): CloseReason =>
          controller.signal.reason === 'disconnect' ? 'disconnect' : 'failed';
        return await openMatching(config, controller.signal, async (at, target) => {
          const attempt = new PgSession(connectionId, at, password, { keyPassphrase });
          try {
            await attempt.open(controller.signal, target);
          } catch (error) {
            await attempt.close(closeReason());
            throw error;
          }
          if (controller.signal.aborted) {
            await attempt.close(closeReason());
            throw notConnected();
          }
          return attempt;
        });
      } catch (error) {
        return toTuskError(error, 'connect');
      }
    })();
    return { outcome, abort: (reason) => controller.abort(reason ?? 'failed') };
  }

  async function resolvePassword(input: SessionInput): Promise<[CredentialSource, string?]> {
    const oneOff = oneOffPasswords.get(input.connectionId);
    if (oneOff !== undefined) return ['one-off', oneOff];
    const [source, password] = await readPassword(
      input.config,
      options.credentials,
      options.passwordFile,
    );
    return [source, password];
  }

  const actors = {
    resolveCredentials: fromPromise<CredentialSource, SessionInput>(async ({ input, signal }) => {
      const [source, password] = await resolvePassword(input);
      // A DISCONNECT meanwhile: keep nothing.
      if (!signal.aborted) setPassword(slotFor(input.connectionId), password);
      return source;
    }),

    openSession: fromPromise<void, SessionInput>(async ({ input, signal }) => {
      const { connectionId, config } = input;
      const slot = slotFor(connectionId);
      const probed = await takeProbe(slot, signal);
      if (probed) {
        slot.session = probed;
        sessions.set(connectionId, probed);
        return;
      }
      const previous = slot.session;
      // A close still running (its actor may have been stopped by a quick CONNECT) finishes
      // first, so two sessions of one connection never overlap.
      if (previous) await (previous.closing ?? closeSlot(connectionId, 'failed'));
      if (shutDown) throw notConnected();
      if (signal.aborted) {
        throw new TuskError({ kind: 'ConnectionFailed', message: 'Connecting was cancelled' });
      }
      const stream = config.sshTunnel?.enabled
        ? options.tunnels?.streamFor(connectionId)
        : undefined;
      if (config.sshTunnel?.enabled && !stream) {
        throw new TuskError({ kind: 'ConnectionLost', message: 'The SSH tunnel is not open' });
      }
      // Kept in this closure for the host attempts only (one per host of a multi-host config).
      const password = slot.password;
      setPassword(slot, undefined);
      const keyPassphrase = await readKeyPassphrase(config, options.credentials);
      const session = await openMatching(config, signal, async (at, target) => {
        if (shutDown) throw notConnected();
        const attempt = new PgSession(connectionId, at, password, { stream, keyPassphrase });
        slot.session = attempt;
        try {
          await attempt.open(signal, target);
        } catch (error) {
          // A DISCONNECT's close meanwhile ends the logins politely: it is not cut short here.
          await (attempt.closing ?? closeSlot(connectionId, 'failed'));
          throw error;
        }
        return attempt;
      });
      sessions.set(connectionId, session);
    }),

    applySession: fromPromise<SessionSettings, SessionInput>(({ input }) =>
      sessionFor(input.connectionId).applySettings(),
    ),

    readServerInfo: fromPromise<ServerInfo, SessionInput>(({ input }) =>
      sessionFor(input.connectionId).readServerInfo(),
    ),

    ping: fromPromise<PingResult, PingInput>(({ input }) =>
      sessionFor(input.connectionId).ping({ pathInDoubt: input.pathInDoubt }),
    ),

    // Runs to the end even if the machine stops listening; closeSlot never rejects.
    // The tunnel closes after the pool, so a polite goodbye still reaches the server.
    closeSession: fromCallback<ConnectionEvent, CloseInput>(({ input, sendBack }) => {
      void closeSlot(input.connectionId, input.reason)
        .then(() =>
          options.tunnels?.close(
            input.connectionId,
            input.reason === 'disconnect' || input.reason === 'replace',
          ),
        )
        .catch(() => undefined)
        .then(() => sendBack({ type: 'SESSION_CLOSED' }));
    }),

    probe: fromCallback<ConnectionEvent, ProbeInput>(({ input, sendBack }) => {
      const { connectionId, config, retryAt } = input;
      // Through a tunnel the sockets are its channels, and it is closed while waiting. A
      // password command is not run for each probe try: the backoff timer's attempt runs it.
      if (retryAt === null || config.sshTunnel?.enabled || config.passwordCommand) {
        return undefined;
      }
      let stopped = false;
      const tryOnce = () => {
        const slot = slotFor(connectionId);
        if (stopped || shutDown || !wanted(connectionId) || slot.probe || slot.session) return;
        const probe = probeTry(input, new AbortController());
        slot.probe = probe;
        void probe.outcome.then((outcome) => {
          // Stopped meanwhile: the attempt takes the try (or a close drops it).
          if (stopped || slot.probe !== probe) return;
          if (outcome instanceof TuskError && isRetryable(outcome.toJSON())) {
            slot.probe = undefined;
            // Still wanted: the next try now, as the waiting caller's next query would.
            setImmediate(tryOnce);
            return;
          }
          // Open, or a failure asking again would repeat (a wrong password): the attempt now.
          sendBack({ type: 'WAKE', cause: 'ready' });
        });
      };
      const listeners = demandListeners.get(connectionId) ?? new Set<() => void>();
      demandListeners.set(connectionId, listeners);
      listeners.add(tryOnce);
      tryOnce();
      return () => {
        stopped = true;
        listeners.delete(tryOnce);
        if (listeners.size === 0) demandListeners.delete(connectionId);
      };
    }),

    watchSession: fromCallback<ConnectionEvent, SessionInput>(({ input, sendBack }) => {
      const lost = (error: TuskError) =>
        sendBack({ type: 'CONNECTION_LOST', error: error.toJSON() });
      const session = slots.get(input.connectionId)?.session;
      if (session && !session.closed) return session.onLost(lost);
      const gone = new TuskError({
        kind: 'ConnectionLost',
        message: 'The session is already closed',
      });
      queueMicrotask(() => lost(gone));
      return undefined;
    }),
  };

  return {
    actors,
    /**
     * Somebody waits for the connection (a query, a session's open): while its reconnect waits,
     * the probe tries at once. Returns the release; call it once the wait is over.
     */
    demand(connectionId: string): () => void {
      waiting.set(connectionId, (waiting.get(connectionId) ?? 0) + 1);
      for (const listener of demandListeners.get(connectionId) ?? []) listener();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (waiting.get(connectionId) ?? 1) - 1;
        if (left > 0) waiting.set(connectionId, left);
        else waiting.delete(connectionId);
      };
    },
    sessions: sessions as ReadonlyMap<string, PgSession>,
    oneOffPasswords,
    /**
     * Ends every session politely (bounded by each one's connectTimeoutSec) and forgets the
     * passwords. Final: no session opens afterwards.
     */
    async closeAll(): Promise<void> {
      shutDown = true;
      oneOffPasswords.clear();
      await Promise.all([...slots.keys()].map((id) => closeSlot(id, 'disconnect')));
    },
  };
}

export type PgEffects = ReturnType<typeof createPgEffects>;
