import type pg from 'pg';
import { type SocketFactory, sendCancelRequest } from './cancel.ts';
import type { TuskClient } from './client.ts';
import { sleep } from './timing.ts';

/** Everything a session has open; `clients` holds every physical connection not yet ended. */
export interface SessionResources {
  control: TuskClient | null;
  pool: pg.Pool | null;
  clients: Set<TuskClient>;
}

/** Closes every socket now: running queries fail at once, nothing waits for the network. */
export function destroyAll(res: SessionResources): void {
  for (const client of res.clients) client.destroy();
}

/** Resolves true once every client has emitted `end` (its socket closed), false at `deadline`. */
async function allEnded(res: SessionResources, deadline: number): Promise<boolean> {
  while (res.clients.size > 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const ends = [...res.clients].map((c) => new Promise<void>((r) => c.once('end', () => r())));
    await Promise.race([Promise.all(ends), sleep(left)]);
  }
  return true;
}

/**
 * Lets each login the server has answered finish (within the deadline), so it can be ended with
 * a Terminate and its socket's close awaited: a socket cut mid-login leaves a backend that the
 * server lets go only when it next reads, after this close would have resolved. A login the
 * server has not answered (a silent network, a backend not yet forked) is cut at once.
 */
async function loginsSettled(res: SessionResources, deadline: number): Promise<void> {
  const logins = [...res.clients].filter((c) => c.loggingIn).map((c) => c.loginSettled());
  if (logins.length === 0) return;
  await Promise.race([Promise.all(logins), sleep(Math.max(0, deadline - Date.now()))]);
}

async function until(done: () => boolean, deadline: number): Promise<void> {
  while (!done() && Date.now() < deadline) await sleep(10);
}

/**
 * Ends a session's clients. With `graceMs` > 0 it is polite: the pool stops handing out
 * clients, running queries get a CancelRequest (so their backends stop working rather than
 * finish a long query nobody waits for), then each client says goodbye (Terminate) and we wait
 * for the server to close each socket, which it does only after the backend left
 * pg_stat_activity. Whatever is not closed by then is destroyed. With `graceMs` 0 every socket
 * is destroyed at once: a blackholed network would never answer a goodbye. A polite close lets
 * the logins in flight finish first (`loginsSettled`).
 *
 * `pool.end()` is called but not awaited: it resolves before the sockets close, and never while
 * a client stays checked out.
 */
export async function closeClients(
  res: SessionResources,
  target: { host: string; port: number; stream?: SocketFactory },
  graceMs: number,
): Promise<void> {
  if (res.pool && !res.pool.ending) res.pool.end().catch(() => undefined);
  if (graceMs > 0) {
    const deadline = Date.now() + graceMs;
    const busy = [...res.clients].filter((c) => c.busy);
    await Promise.all(
      busy.map((c) =>
        c.cancelKey
          ? sendCancelRequest(target.host, target.port, c.cancelKey, graceMs, target.stream)
          : undefined,
      ),
    );
    await until(() => ![...res.clients].some((c) => c.busy), deadline);
    await loginsSettled(res, deadline);
    for (const client of res.clients) {
      if (client.usable) client.end().catch(() => undefined);
      else client.destroy();
    }
    if (await allEnded(res, deadline)) return;
  }
  destroyAll(res);
  await allEnded(res, Date.now() + 1000);
}
