import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it, onTestFinished } from 'vitest';
import { commandArgs } from '../../../machines/ipc.ts';
import type { ConnectionView, ViewsPayload } from '../../../machines/views.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { commandTable } from '../../ipc/index.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();
const role = uniqueName('web_user');
const PASSWORD = `web-${randomUUID()}`;
beforeAll(() => server.createRole(role, PASSWORD));

const statusOf = (views: ViewsPayload[], id: string) => {
  let status: string | undefined;
  for (const p of views) {
    const list: ConnectionView[] = p.full ? p.views : p.changed;
    status = list.find((v) => v.id === id)?.status ?? status;
  }
  return status;
};

it('every command of the table, over the WebSocket, against the real server', async () => {
  // libpq's files and PG* variables from a home of the test's own, never the real one.
  const home = await mkdtemp(join(tmpdir(), 'tusk-web-home-'));
  onTestFinished(() => rm(home, { recursive: true, force: true }));
  const serviceFile = join(home, 'services.conf');
  await writeFile(
    serviceFile,
    `[reports]\nhost=${server.host}\nport=${server.port}\ndbname=reports\nuser=${role}\n`,
  );
  const env = {
    PGHOST: server.host,
    PGPORT: String(server.port),
    PGDATABASE: 'env_db',
    PGUSER: role,
  };
  const { host, service } = await startHost({}, { pgFiles: { env, home } });
  const client = await rawClient(ipcUrl(host));
  const used = new Set<string>();
  const call = async (command: string, args?: unknown) => {
    used.add(command);
    const reply = await client.request(command, args);
    if (!reply.ok) throw new Error(`${command} failed: ${JSON.stringify(reply.error)}`);
    return reply.result as never;
  };
  const target = { ...server, user: role };
  const config = configFor(target, {
    passwordInKeyring: true,
    options: { maxReconnectAttempts: 0 },
  });
  const group = { id: randomUUID(), name: 'Web team' };

  expect(await call('save_group', { group })).toBeNull();
  expect(await call('list_groups', {})).toEqual([group]);
  expect(await call('save_connection', { config, password: PASSWORD })).toBeNull();
  expect(await call('list_connections', {})).toEqual([{ config, status: 'disconnected' }]);

  const tested = (await call('test_connection', { config })) as {
    success: boolean;
    stages: { name: string; ok: boolean }[];
  };
  expect(tested.success).toBe(true);
  expect(tested.stages.length).toBeGreaterThan(1);
  expect(tested.stages.every((s) => s.ok)).toBe(true);

  const info = (await call('connect', { config })) as Record<string, unknown>;
  expect(info).toMatchObject({
    id: config.id,
    currentUser: role,
    currentDatabase: server.database,
    host: server.host,
    port: server.port,
  });
  expect(await call('get_connection_status', { connectionId: config.id })).toBe('connected');
  // Host keys are an SSH tunnel's (main/ssh/test has the real accept); without one, refused.
  used.add('accept_host_key');
  expect(
    await client.request('accept_host_key', {
      connectionId: config.id,
      fingerprint: `SHA256:${'A'.repeat(43)}`,
    }),
  ).toMatchObject({ ok: false, error: { kind: 'InvalidInput', field: 'connectionId' } });
  // A keepalive ping now; the connection stays connected.
  expect(await call('wake', { connectionId: config.id })).toBeNull();
  expect(await call('wake_all', { cause: 'visible' })).toBeNull();
  const result = (await call('query', {
    connectionId: config.id,
    sql: 'select $1::int + 1 as n, now() as at',
    params: [41],
  })) as { rows: { n: number; at: unknown }[]; rowCount: number; fields: { name: string }[] };
  expect(result.rows[0]!.n).toBe(42);
  expect(typeof result.rows[0]!.at).toBe('string');
  expect(result.fields.map((f) => f.name)).toEqual(['n', 'at']);

  // Lost with no auto-reconnect: error; RETRY connects again.
  await server.terminate({ applicationName: config.options.applicationName });
  await until(
    'error',
    () => statusOf(client.events('connection:views') as ViewsPayload[], config.id) === 'error',
  );
  expect(await call('retry', { connectionId: config.id })).toBeNull();
  await until(
    'connected again',
    () =>
      (client.events('connection:status') as { status: string }[]).filter(
        (e) => e.status === 'connected',
      ).length === 2,
  );

  const views = (await call('get_views', {})) as ViewsPayload;
  expect(views.full).toBe(true);
  const view = (views as { views: ConnectionView[] }).views.find((v) => v.id === config.id)!;
  expect(view.status).toBe('connected');
  expect(view.transitions.some((t) => t.event === 'RETRY')).toBe(true);
  // The same transitions by the history commands, oldest first, `since` bounding them.
  const history = (await call('get_history', { connectionId: config.id })) as { at: number }[];
  expect(history.slice(0, view.transitions.length).map((t) => t.at)).toEqual(
    view.transitions.map((t) => t.at),
  );
  const since = history.at(-1)!.at;
  expect(await call('get_history', { connectionId: config.id, since })).toEqual(
    history.filter((t) => t.at >= since),
  );
  const lanes = (await call('list_history', { since })) as { connectionId: string }[];
  expect(lanes.map((l) => l.connectionId)).toContain(config.id);

  // A session keeps a transaction across statements; ROLLBACK leaves nothing behind.
  const { sessionId } = (await call('open_session', { connectionId: config.id })) as {
    sessionId: string;
  };
  const inSession = (sql: string) => call('query', { connectionId: config.id, sql, sessionId });
  await inSession('create temp table t (n int)');
  await inSession('begin');
  await inSession('insert into t values (1)');
  // The open transaction is in the connection's view, so the UI can warn before a disconnect.
  const during = (await call('get_views', {})) as { views: ConnectionView[] };
  expect(during.views.find((v) => v.id === config.id)?.sessions).toEqual([
    { sessionId, transaction: 'in-transaction', busy: false, statePersists: true },
  ]);
  // Its failure is taken at once, so it is never an unhandled rejection while we wait.
  const running = inSession('select pg_sleep(30)').then(
    () => new Error('the sleep was not cancelled'),
    (error: Error) => error,
  );
  const sleeping = () =>
    server
      .backends({ applicationName: config.options.applicationName })
      .then((list) => list.some((b) => b.state === 'active' && b.query.includes('pg_sleep')));
  for (let tries = 0; !(await sleeping()); tries++) {
    if (tries > 500) throw new Error('the sleep never ran');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await call('cancel', { sessionId })).toBeNull();
  expect((await running).message).toMatch(/57014/);
  await inSession('rollback');
  expect(
    ((await inSession('select count(*)::int as n from t')) as { rows: { n: number }[] }).rows,
  ).toEqual([{ n: 0 }]);
  // A script's plan (classification only) and its run, statement by statement, in the session.
  const plan = (await call('plan_sql', {
    connectionId: config.id,
    sql: 'select 1; delete from t',
  })) as { statements: { command: string; changes: boolean; unfiltered: boolean }[] };
  expect(plan.statements.map((s) => [s.command, s.changes, s.unfiltered])).toEqual([
    ['SELECT', false, false],
    ['DELETE', true, true],
  ]);
  const script = (await call('run_script', {
    connectionId: config.id,
    sql: 'insert into t values (2);\nselect count(*)::int as n from t',
    sessionId,
  })) as { steps: { line: number; ok: boolean; result?: { rows: unknown[] } }[] };
  expect(script.steps.map((s) => [s.line, s.ok])).toEqual([
    [1, true],
    [2, true],
  ]);
  expect(script.steps[1]?.result?.rows).toEqual([{ n: 1 }]);
  expect(await call('close_session', { sessionId })).toBeNull();

  const parsed = (await call('parse_connection_string', {
    text: `postgresql://${role}:s3cret@db1:5433,db2/app?target_session_attrs=read-write`,
  })) as { config: Record<string, unknown>; password?: string };
  expect(parsed.password).toBe('s3cret');
  expect(parsed.config).toMatchObject({ host: 'db1', port: 5433, database: 'app' });
  const { url } = (await call('export_connection_url', { connectionId: config.id })) as {
    url: string;
  };
  expect(url).toContain(`${server.host}:${server.port}`);
  expect(url).not.toContain(PASSWORD);
  const fromFile = (await call('import_service_file', { path: serviceFile })) as {
    connections: { id: string; name: string; database: string }[];
    groups: { id: string }[];
  };
  expect(fromFile.connections.map((c) => [c.name, c.database])).toEqual([['reports', 'reports']]);
  const fromEnv = (await call('import_from_env', {})) as {
    connections: { id: string; database: string }[];
  };
  expect(fromEnv.connections.map((c) => c.database)).toEqual(['env_db']);
  for (const imported of [...fromFile.connections, ...fromEnv.connections]) {
    expect(await call('delete_connection', { connectionId: imported.id })).toBeNull();
  }
  for (const group of fromFile.groups) {
    expect(await call('delete_group', { groupId: group.id })).toBeNull();
  }

  expect(await call('disconnect', { connectionId: config.id })).toBeNull();
  expect(await call('get_connection_status', { connectionId: config.id })).toBe('disconnected');
  expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  expect(await call('delete_connection', { connectionId: config.id })).toBeNull();
  expect(await call('list_connections', {})).toEqual([]);
  expect(await call('delete_group', { groupId: group.id })).toBeNull();
  expect(await call('list_groups', {})).toEqual([]);
  expect(await service.listConnections()).toEqual([]);

  // Every command the table binds was called here.
  expect([...used].sort()).toEqual(Object.keys(commandTable).sort());
});

it('a service error crosses as TuskError JSON; a contract command not bound yet is refused as not available', async () => {
  const { host } = await startHost();
  const client = await rawClient(ipcUrl(host));

  expect(await client.request('retry', { connectionId: randomUUID() })).toMatchObject({
    ok: false,
    error: { kind: 'NotConnected', message: 'Unknown connection' },
  });
  const bad = await client.request('query', { connectionId: randomUUID(), sql: 'select 1' });
  expect(bad).toMatchObject({ ok: false, error: { kind: 'NotConnected' } });

  const unbound = Object.keys(commandArgs).filter((c) => !(c in commandTable));
  // demo_fault is bound by the app start that runs a demo (main/app/demo-command.ts), not here.
  expect(unbound).toEqual(['demo_fault']);
  for (const command of unbound) {
    const args = { connectionId: randomUUID(), fault: 'terminate' };
    expect(await client.request(command, args)).toMatchObject({
      ok: false,
      error: {
        kind: 'InvalidInput',
        field: 'command',
        message: expect.stringMatching(/not available/),
      },
    });
  }
});
