import type pg from 'pg';
import { TuskError } from '../../machines/errors.ts';
import type { SessionView, TransactionStatus } from '../../machines/views.ts';
import { sendCancelRequest } from './cancel.ts';
import type { TuskClient } from './client.ts';
import { toTuskError } from './errors.ts';
import { explainMultiStatement } from './guard.ts';
import { execute, type QueryResultView, toView } from './query.ts';
import type { PgSession } from './session.ts';
import { withDeadline } from './timing.ts';

const statusWords: Record<'I' | 'T' | 'E', TransactionStatus> = {
  I: 'idle',
  T: 'in-transaction',
  E: 'failed',
};

/**
 * One backend of a connection's pool, lent to a session (`openSession`) until it is closed, so
 * that statements which share state (a transaction, SET, PREPARE, temporary tables) run on one
 * backend, one after the other in the order sent.
 *
 * It ends with the connection's PgSession: lost with it (the backend gone, a reconnect), every
 * later statement fails with ConnectionLost and nothing is replayed, since what the backend held
 * (an open transaction above all) is gone with it.
 */
export class PinnedSession {
  readonly sessionId: string;
  readonly owner: PgSession;
  readonly #client: pg.PoolClient;
  readonly #changed: () => void;
  /** The end of the FIFO: every statement waits for the one sent before it. */
  #tail: Promise<unknown> = Promise.resolve();
  /** Statements sent and not answered yet (the view's `busy`). */
  #pending = 0;
  /** One of them is on the wire now (what a cancel is for). */
  #running = false;
  #lost: TuskError | null = null;
  #closing: Promise<void> | null = null;
  /** A cancel in flight: the next statement waits for it, so it cannot cancel that one. */
  #cancelling: Promise<void> | null = null;
  #cancels = 0;
  readonly #unwatch: () => void;
  /** The backend's own end ends the session; removed when the backend is given back. */
  readonly #onEnd = () => this.#end(null);

  constructor(sessionId: string, owner: PgSession, client: pg.PoolClient, changed: () => void) {
    this.sessionId = sessionId;
    this.owner = owner;
    this.#client = client;
    this.#changed = changed;
    // Lost or closed, the connection takes its backends with it; so does a backend's own end.
    this.#unwatch = owner.onStop(() => this.#end(owner.lostError));
    client.once('end', this.#onEnd);
  }

  get connectionId(): string {
    return this.owner.connectionId;
  }

  get #tusk(): TuskClient {
    return this.#client as unknown as TuskClient;
  }

  get view(): SessionView {
    const status = this.#tusk.transactionStatus;
    return {
      sessionId: this.sessionId,
      transaction: this.#lost ? 'lost' : statusWords[status ?? 'I'],
      busy: this.#pending > 0,
      statePersists: !this.owner.viaPooler,
    };
  }

  /** Queues one statement behind those sent before it. */
  query(sql: string, params: readonly unknown[] = []): Promise<QueryResultView> {
    const values = params.length > 0 ? [...params] : undefined;
    this.#pending++;
    this.#changed();
    const run = this.#tail.then(() => this.#run(sql, values));
    this.#tail = run
      .catch(() => undefined)
      .finally(() => {
        this.#pending--;
        this.#changed();
      });
    return run;
  }

  async #run(sql: string, values: unknown[] | undefined): Promise<QueryResultView> {
    if (this.#cancelling) await this.#cancelling;
    if (this.#lost) throw this.#lost;
    if (this.#closing) throw closedError();
    this.#running = true;
    try {
      return toView(await execute(this.owner, this.#client, sql, values));
    } catch (error) {
      if (this.#lost) throw this.#lost;
      const mapped = toTuskError(error, 'established', this.owner.mapOptions());
      if (mapped.kind === 'ConnectionLost') {
        this.owner.reportLost(mapped);
        this.#end(mapped);
        throw this.#lost ?? mapped;
      }
      await this.#tusk.settled();
      throw explainMultiStatement(error) ?? mapped;
    } finally {
      this.#running = false;
    }
  }

  /**
   * Cancels asked for so far, running statement or not: a script on this session stops at its
   * next statement when one arrives between two of them (main/sql/script.ts).
   */
  get cancels(): number {
    return this.#cancels;
  }

  /** Sends a CancelRequest for the running statement, if any; resolves once it was delivered. */
  cancel(): Promise<void> {
    this.#cancels++;
    if (!this.#running || this.#lost) return Promise.resolve();
    if (this.#cancelling) return this.#cancelling;
    const key = this.#tusk.cancelKey;
    if (!key) return Promise.resolve();
    const { host, port } = this.owner.config;
    const timeoutMs = this.owner.config.options.connectTimeoutSec * 1000;
    const sent = sendCancelRequest(host, port, key, timeoutMs, this.owner.stream).finally(() => {
      this.#cancelling = null;
    });
    this.#cancelling = sent;
    return sent;
  }

  /**
   * Gives the backend back, with nothing of this session on it: a running statement is
   * cancelled, an open transaction rolled back, and `DISCARD ALL` drops SET, prepared
   * statements and temporary tables. Behind a pooler, or if any of that fails, the connection
   * is ended instead (there DISCARD ALL could reach some other server backend, and PgBouncer
   * resets the server itself when its client leaves); one that does not answer within
   * connectTimeoutSec is destroyed. Never rejects; resolves for a lost session too.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Each step is bounded: on a blackholed network no answer ever comes, and closing must end.
    const ms = this.owner.config.options.connectTimeoutSec * 1000;
    const noAnswer = new Error('no answer in time');
    const late = () => noAnswer;
    await this.cancel();
    const answered = await withDeadline(this.#tail, ms, late).then(
      () => true,
      () => false,
    );
    this.#unwatch();
    if (this.#lost) return this.#release(false);
    // Destroyed rather than ended: a goodbye on a dead network would wait as long again.
    if (!answered) return this.#discard();
    let clean = !this.owner.viaPooler && this.owner.usable;
    if (clean) {
      try {
        await withDeadline(this.#reset(), ms, late);
        clean = this.#tusk.transactionStatus === 'I';
      } catch (error) {
        if (error === noAnswer) return this.#discard();
        clean = false;
      }
    }
    // Not clean: pg-pool ends it (a polite goodbye) instead of keeping it.
    this.#release(clean);
  }

  #discard(): void {
    this.#tusk.discard();
    this.#release(false);
  }

  async #reset(): Promise<void> {
    if (this.#tusk.transactionStatus !== 'I') await this.#client.query('ROLLBACK');
    await this.#client.query('DISCARD ALL');
  }

  #release(clean: boolean): void {
    // The backend goes on serving other sessions: one listener per session would pile up on it.
    this.#client.off('end', this.#onEnd);
    try {
      // With an argument, pg-pool ends the client instead of keeping it.
      this.#client.release(clean ? undefined : true);
    } catch {
      // Released already by a close of the whole connection.
    }
    this.#changed();
  }

  #end(cause: TuskError | null): void {
    if (this.#lost) return;
    const transaction = this.#tusk.transactionStatus;
    const open = transaction === 'T' || transaction === 'E';
    this.#lost = new TuskError(
      {
        kind: 'ConnectionLost',
        message:
          `The session's connection was lost${cause ? ` (${cause.message})` : ''}. ` +
          (open
            ? 'Its open transaction is gone: the server rolled it back. '
            : 'What it had set up (SET, prepared statements, temporary tables) is gone. ') +
          'Nothing was replayed; close it and open a new session.',
      },
      cause ? { cause } : {},
    );
    this.#unwatch();
    this.#changed();
  }
}

const closedError = () =>
  new TuskError({ kind: 'NotConnected', message: 'The session is closed; the query was not sent' });
