/** Killing a connection's backends and timing how each side comes back, for bench/recovery.ts. */
import pg from 'pg';
import type { InspectionEvent } from 'xstate';
import { TuskError } from '../../machines/errors.ts';
import { connectionActorId } from '../../machines/manager.machine.ts';
import { clientConfig } from '../../main/pg/client.ts';
import type { ConnectionService } from '../../main/service.ts';
import type { PgServer } from '../../test/harness/postgres.ts';
import { benchConfig, delay, type statusClock } from './setup.ts';

export const SQL = 'SELECT 1';

const describe = (error: unknown): string => {
  if (error instanceof TuskError) return `${error.kind}: ${error.message}`;
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${code}: ${message}` : String(message);
};

/** Runs `exec` until it succeeds; what failed first, and when it succeeded. */
export async function untilSuccess(exec: () => Promise<unknown>) {
  const deadline = performance.now() + 30_000;
  const failures: string[] = [];
  for (;;) {
    try {
      await exec();
      return { at: performance.now(), failures };
    } catch (error) {
      failures.push(describe(error));
      if (performance.now() > deadline) throw new Error('no successful query in 30 s');
    }
  }
}

const TERMINATE_SQL = `
  select pid, pg_terminate_backend(pid) as signalled from pg_stat_activity
  where backend_type = 'client backend' and application_name = $1`;

/**
 * Signals every backend of the application name and returns once the signals are sent, not when
 * the backends have exited: the next query may race a dying backend, the case worth measuring.
 * A backend already on its way out (false: a connection the last recovery abandoned) is waited
 * for with the others.
 */
export async function terminate(server: PgServer, app: string): Promise<number[]> {
  const { rows } = await server
    .admin()
    .query<{ pid: number; signalled: boolean }>(TERMINATE_SQL, [app]);
  if (!rows.some((r) => r.signalled)) {
    throw new Error(`no live backend of ${app} to terminate: ${JSON.stringify(rows)}`);
  }
  return rows.map((r) => r.pid);
}

/** Waits, outside the timed part, until the killed backends have left pg_stat_activity. */
export async function untilGone(server: PgServer, pids: number[]): Promise<void> {
  const sql = 'select 1 from pg_stat_activity where pid = any($1)';
  for (let i = 0; i < 500; i++) {
    if (!(await server.admin().query(sql, [pids])).rowCount) return;
    await delay(10);
  }
  throw new Error(`backends ${pids} still there 5 s after pg_terminate_backend`);
}

const statePath = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Object.entries(value as object)
        .map(([k, v]) => `${k}.${statePath(v)}`)
        .join(',');

/** The connection actor's state changes, from an inspect observer, with their times. */
export function stepRecorder() {
  let actorId = '';
  const marks: { at: number; state: string }[] = [];
  return {
    marks,
    watch: (connectionId: string) => {
      actorId = connectionActorId(connectionId);
    },
    inspect(event: InspectionEvent) {
      if (event.type !== '@xstate.microstep') return;
      if ((event.actorRef as unknown as { id: string }).id !== actorId) return;
      const state = statePath((event.snapshot as unknown as { value: unknown }).value);
      if (marks.at(-1)?.state !== state) marks.push({ at: performance.now(), state });
    },
  };
}

export interface KillRun {
  killMs: number;
  connectedMs: number | null;
  queryMs: number;
  failures: string[];
  /** ms spent in each state from the kill until connected again; `noticed` = kill → lost. */
  steps: Record<string, number>;
}

export async function killService(
  server: PgServer,
  service: ConnectionService,
  clock: ReturnType<typeof statusClock>,
  steps: ReturnType<typeof stepRecorder>,
  id: string,
  app: string,
): Promise<KillRun> {
  await service.query(id, SQL);
  await delay(50);
  const t0 = performance.now();
  const pids = await terminate(server, app);
  const killed = performance.now();
  const { at, failures } = await untilSuccess(() => service.query(id, SQL));
  const connected = await clock.first(id, 'connected', t0);
  await untilGone(server, pids);
  const marks = steps.marks.filter((m) => m.at >= t0);
  const end = marks.findIndex((m, i) => i > 0 && m.state.startsWith('connected.idle'));
  if (marks[0]?.state !== 'connected.lost' || end < 0) {
    throw new Error(`unexpected recovery: ${marks.map((m) => m.state).join(' → ')}`);
  }
  const timed: Record<string, number> = { noticed: marks[0].at - t0 };
  for (let i = 0; i < end; i++) {
    const state = marks[i]!.state;
    timed[state] = (timed[state] ?? 0) + marks[i + 1]!.at - marks[i]!.at;
  }
  return {
    killMs: killed - t0,
    connectedMs: connected - t0,
    queryMs: at - t0,
    failures,
    steps: timed,
  };
}

export async function killBare(server: PgServer, pool: pg.Pool, app: string): Promise<KillRun> {
  await pool.query(SQL);
  await delay(50);
  const t0 = performance.now();
  const pids = await terminate(server, app);
  const killed = performance.now();
  const { at, failures } = await untilSuccess(() => pool.query(SQL));
  await untilGone(server, pids);
  return { killMs: killed - t0, connectedMs: null, queryMs: at - t0, failures, steps: {} };
}

/** A bare pg.Client with the service's client options, under its own application name. */
const bareClient = (server: PgServer, app: string) =>
  new pg.Client(clientConfig(benchConfig(server, app), false, () => server.password));

/** One new physical connection and a query, as the bare pool makes after a kill. */
export async function oneConnection(server: PgServer): Promise<number> {
  const t0 = performance.now();
  const client = bareClient(server, 'bench-recovery-single');
  await client.connect();
  await client.query(SQL);
  const ms = performance.now() - t0;
  await client.end();
  return ms;
}

/** A fresh backend's first query: the verify flight of a session's first client, or `SELECT 1`. */
export async function firstQuery(server: PgServer, sql: string): Promise<number> {
  const client = bareClient(server, 'bench-recovery-first');
  await client.connect();
  const t0 = performance.now();
  await client.query(sql);
  const ms = performance.now() - t0;
  await client.end();
  return ms;
}

/** How long the terminate itself takes with `n` idle backends of one application name. */
export async function terminateIdle(server: PgServer, n: number): Promise<number> {
  const app = `bench-recovery-idle-${n}`;
  const clients = Array.from({ length: n }, () => bareClient(server, app));
  for (const client of clients) client.on('error', () => undefined);
  await Promise.all(clients.map((c) => c.connect()));
  await delay(20);
  const t0 = performance.now();
  const pids = await terminate(server, app);
  const ms = performance.now() - t0;
  await untilGone(server, pids);
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  return ms;
}
