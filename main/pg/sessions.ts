import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { TuskError } from '../../machines/errors.ts';
import type { SessionView } from '../../machines/views.ts';
import { PinnedSession } from './pinned.ts';
import { acquire } from './query.ts';
import type { PgSession } from './session.ts';

/**
 * Every open session of a service, by id and by connection, and who wants to hear when one of
 * a connection's sessions changes (opened, busy, transaction status, lost, closed).
 */
export class SessionTable {
  readonly #byId = new Map<string, PinnedSession>();
  readonly #listeners = new Set<(connectionId: string) => void>();
  readonly #opening = new Map<PgSession, number>();

  /**
   * Pins one pooled backend of `owner`. More than `owner.sessionLimit` at once fails at once;
   * a free backend is waited for within connectTimeoutSec (unpinned queries may hold them all).
   */
  async open(owner: PgSession): Promise<PinnedSession> {
    const limit = owner.sessionLimit;
    // Opens still waiting for their backend count too, so a burst of them fails at once.
    const opening = this.#opening.get(owner) ?? 0;
    if (this.#held(owner) + opening >= limit) throw tooMany(owner, limit);
    this.#opening.set(owner, opening + 1);
    const sec = owner.config.options.connectTimeoutSec;
    const timeout = AbortSignal.timeout(sec * 1000);
    let client: pg.PoolClient;
    try {
      client = await acquire(owner, timeout);
    } catch (error) {
      if (timeout.aborted && owner.usable) {
        throw new TuskError({
          kind: 'ConnectionTimeout',
          message: `No pooled connection became free within ${sec} s to open a session`,
        });
      }
      throw error;
    } finally {
      const left = (this.#opening.get(owner) ?? 1) - 1;
      if (left > 0) this.#opening.set(owner, left);
      else this.#opening.delete(owner);
    }
    const id = randomUUID();
    const session = new PinnedSession(id, owner, client, () => this.#emit(owner.connectionId));
    this.#byId.set(id, session);
    this.#emit(owner.connectionId);
    return session;
  }

  get(sessionId: string): PinnedSession | undefined {
    return this.#byId.get(sessionId);
  }

  /** Resolves for an unknown or lost session too: closing is always safe to ask for. */
  async close(sessionId: string): Promise<void> {
    const session = this.#byId.get(sessionId);
    if (!session) return;
    await session.close();
    if (this.#byId.delete(sessionId)) this.#emit(session.connectionId);
  }

  /** Closes every session of a connection (a disconnect, a delete, the service closing). */
  async closeAllOf(connectionId: string): Promise<void> {
    await Promise.all(this.#of(connectionId).map((s) => this.close(s.sessionId)));
  }

  viewsOf(connectionId: string): SessionView[] {
    return this.#of(connectionId).map((s) => s.view);
  }

  onChange(listener: (connectionId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #held(owner: PgSession): number {
    return this.#of(owner.connectionId).filter((s) => s.owner === owner).length;
  }

  #of(connectionId: string): PinnedSession[] {
    return [...this.#byId.values()].filter((s) => s.connectionId === connectionId);
  }

  #emit(connectionId: string): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(connectionId);
      } catch {
        // A view that fails to update must not fail the statement that changed it.
      }
    }
  }
}

function tooMany(owner: PgSession, limit: number): TuskError {
  const max = owner.config.options.poolMax;
  return new TuskError({
    kind: 'ConnectionFailed',
    code: 'SESSION_LIMIT',
    message:
      limit === 0
        ? `With poolMax ${max} this connection has no backend to spare for a session: raise poolMax to 3 or more`
        : `This connection already has ${limit} open session${limit === 1 ? '' : 's'}, all that poolMax ${max} allows (poolMax - 2: one backend keeps the keepalive and one stays for queries outside sessions); close one, or raise poolMax`,
  });
}
