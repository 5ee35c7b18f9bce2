import { waitFor } from 'xstate';
import { z } from 'zod';
import { parseWith } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';
import type { QueryResultView } from '../../machines/ipc.ts';
import type { ConnectionActorRef } from '../../machines/manager.machine.ts';
import type { ScriptPlan, ScriptResult } from '../../machines/sql-plan.ts';
import { type PgSession, type PinnedSession, runQuery, type SessionTable } from '../pg/index.ts';
import { planScript } from './plan.ts';
import { runScriptOn } from './script.ts';

/** What the pipeline needs of the service: the connections' actors and sessions. */
export interface PipelineDeps {
  /** The connection actor of an id, if the service knows it. */
  child(connectionId: string): ConnectionActorRef | undefined;
  /** The PgSession (pool) of a connection, while one is open. */
  sessions: { get(connectionId: string): PgSession | undefined };
  pinned: SessionTable;
  ensureOpen(): void;
  /** The actor's last error, or NotConnected with `fallback`. */
  failureOf(ref: ConnectionActorRef, fallback: string): TuskError;
  /**
   * Says that someone waits for the connection, so a reconnect waiting for its backoff timer
   * tries at once (one try in flight); the returned function says the wait is over.
   */
  demand(connectionId: string): () => void;
}

const IdSchema = z.uuid({ error: 'connectionId must be a UUID' });
const SessionIdSchema = z
  .string({ error: 'sessionId must be text' })
  .min(1, { error: 'sessionId is empty' });
const QueryOptionsSchema = z
  .object({ sessionId: SessionIdSchema.optional() }, { error: 'query options must be an object' })
  .strict()
  .optional();
const QuerySchema = z.object({
  sql: z.string({ error: 'sql must be text' }).trim().min(1, { error: 'sql is empty' }),
  params: z.array(z.unknown(), { error: 'params must be an array' }).default([]),
});
const ScriptSchema = z.object({
  sql: z.string({ error: 'sql must be text' }),
  opts: z
    .object(
      {
        sessionId: SessionIdSchema.optional(),
        onError: z
          .enum(['stop', 'continue'], { error: 'onError must be stop or continue' })
          .optional(),
      },
      { error: 'script options must be an object' },
    )
    .strict()
    .optional(),
});

/**
 * The statement pipeline behind the service: a query or a script goes from here to a pooled or
 * a session's backend (split, classified and guarded by main/sql on a read-only connection).
 * Queries go to the pool directly, never through an actor's mailbox; the actor owns the pool.
 */
export function createStatementPipeline(deps: PipelineDeps) {
  const { child, sessions, pinned } = deps;

  async function query(
    connectionId: unknown,
    sql: unknown,
    params?: unknown,
    opts?: unknown,
  ): Promise<QueryResultView> {
    deps.ensureOpen();
    if (opts !== undefined) return sessionQuery(connectionId, sql, params, opts);
    const { id, ref, statement } = queryArguments(connectionId, sql, params);
    if (!ref) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    const waitMs = ref.getSnapshot().context.config.options.connectTimeoutSec * 1000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const session = sessions.get(id);
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

  /** A statement on a session's backend, after those sent before it; never retried elsewhere. */
  async function sessionQuery(
    connectionId: unknown,
    sql: unknown,
    params: unknown,
    opts: unknown,
  ): Promise<QueryResultView> {
    const { sessionId } = parseWith(QueryOptionsSchema, opts, 'query options') ?? {};
    const { id, statement } = queryArguments(connectionId, sql, params);
    if (sessionId === undefined) return query(id, statement.sql, statement.params);
    return sessionOf(id, sessionId).query(statement.sql, statement.params);
  }

  function sessionOf(connectionId: string, sessionId: string): PinnedSession {
    const session = pinned.get(sessionId);
    if (!session || session.connectionId !== connectionId) {
      throw new TuskError({
        kind: 'InvalidInput',
        field: 'sessionId',
        message: 'No open session of this connection has that sessionId (closed, or never opened)',
      });
    }
    return session;
  }

  /** Pins one backend of a connected connection; waits for a reconnect like a query does. */
  async function openPinned(connectionId: unknown): Promise<PinnedSession> {
    deps.ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    const ref = child(id);
    if (!ref) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    const deadline = Date.now() + ref.getSnapshot().context.config.options.connectTimeoutSec * 1000;
    for (;;) {
      const session = sessions.get(id);
      if (session?.usable && ref.getSnapshot().hasTag('usable')) {
        try {
          return await pinned.open(session);
        } catch (error) {
          if (!(error instanceof TuskError) || error.kind !== 'NotConnected') throw error;
        }
      }
      await untilUsable(ref, id, deadline);
    }
  }

  /** The script's statements, classified for this connection; runs nothing. */
  async function planSql(connectionId: unknown, sql: unknown): Promise<ScriptPlan> {
    deps.ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    const text = parseWith(z.string({ error: 'sql must be text' }), sql, 'sql');
    return planScript(text, readonlyOf(id));
  }

  /**
   * A script, statement by statement, in order, on the session if given (else on a session of
   * its own for the script's length, so that its transactions and SETs span its statements).
   */
  async function runScript(
    connectionId: unknown,
    sql: unknown,
    opts?: unknown,
  ): Promise<ScriptResult> {
    deps.ensureOpen();
    const id = parseWith(IdSchema, connectionId, 'connectionId');
    const script = parseWith(ScriptSchema, { sql, opts }, 'run_script');
    const readonly = readonlyOf(id);
    const plan = await planScript(script.sql, readonly);
    if (plan.error) throw new TuskError(plan.error);
    const onError = script.opts?.onError ?? 'stop';
    const sessionId = script.opts?.sessionId;
    if (sessionId !== undefined) {
      return runScriptOn(sessionOf(id, sessionId), plan, { onError, readonly });
    }
    if (plan.statements.length === 0) return { steps: [] };
    const own = await openPinned(id);
    try {
      return await runScriptOn(own, plan, { onError, readonly });
    } finally {
      await pinned.close(own.sessionId);
    }
  }

  function readonlyOf(id: string): boolean {
    const ref = child(id);
    if (!ref) throw new TuskError({ kind: 'NotConnected', message: 'Unknown connection' });
    return ref.getSnapshot().context.config.options.readonly;
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

  /**
   * Waits, within the deadline, for the actor to be connected on a usable session again. The
   * wait is demand: a reconnect waiting for its backoff timer tries at once meanwhile.
   */
  async function untilUsable(ref: ConnectionActorRef, id: string, deadline: number) {
    const release = deps.demand(id);
    const snapshot = await waitFor(
      ref,
      (s) =>
        s.matches('disconnected') ||
        s.matches('error') ||
        (s.matches('connected') && sessions.get(id)?.usable === true),
      { timeout: Math.max(0, deadline - Date.now()) },
    )
      .catch(() => null)
      .finally(release);
    if (snapshot === null) {
      throw new TuskError({
        kind: 'NotConnected',
        message: 'The connection did not come back in time; the query was not sent',
      });
    }
    if (!snapshot.matches('connected')) throw deps.failureOf(ref, 'Not connected');
  }

  return {
    query: query as (
      id: string,
      sql: string,
      params?: unknown[],
      opts?: { sessionId?: string },
    ) => Promise<QueryResultView>,
    openSession: async (connectionId: unknown) => ({
      sessionId: (await openPinned(connectionId)).sessionId,
    }),
    planSql,
    runScript: runScript as (
      id: string,
      sql: string,
      opts?: { sessionId?: string; onError?: 'stop' | 'continue' },
    ) => Promise<ScriptResult>,
  };
}
