import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { HARNESS_APPLICATION_NAME } from '../../../test/harness/pg-admin.ts';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

// A long connectTimeoutSec, so only the abort can end the stage.
async function blackholed(sslMode: 'require' | 'disable') {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  await proxy.setMode('blackhole');
  return configFor(
    server,
    { host: proxy.host, port: proxy.port, sslMode },
    { connectTimeoutSec: 30 },
  );
}

const cancelled = { kind: 'ConnectionFailed', code: 'ABORT_ERR' };

test.each([
  ['require', 'tls'],
  ['disable', 'auth'],
] as const)(
  'with sslMode %s, an abort during %s ends the test at once and closes its sockets',
  async (sslMode, stage) => {
    const config = await blackholed(sslMode);
    const checkLeaks = await watchLeaks(server, config.options.applicationName);
    const started = performance.now();

    const result = await runConnectionTest(config, server.password, {
      signal: AbortSignal.timeout(300),
    });

    expect(performance.now() - started).toBeLessThan(1000);
    await checkLeaks({ proxy });
    expect(result.success).toBe(false);
    const last = result.stages.at(-1)!;
    expect(last).toMatchObject({ name: stage, ok: false, error: cancelled });
    expect(last.hint).toBeUndefined();
  },
);

/** A database whose logins take `seconds` (a login event trigger), so a test can abort mid-login. */
async function slowLoginDatabase(seconds: number): Promise<string> {
  const database = uniqueName('slowlogin');
  await server.createDatabase(database);
  const { host, port, user, password } = server;
  const client = new pg.Client({
    host,
    port,
    user,
    password,
    database,
    application_name: HARNESS_APPLICATION_NAME,
  });
  await client.connect();
  try {
    await client.query(`create function slow_login() returns event_trigger language plpgsql
      as $$ begin perform pg_sleep(${seconds}); end $$`);
    await client.query('create event trigger slow_login on login execute function slow_login()');
  } finally {
    await client.end();
  }
  return database;
}

test('an abort while the server is logging us in destroys the session; its backend goes too', async () => {
  const database = await slowLoginDatabase(1.5);
  const config = configFor(server, { database, sslMode: 'disable' });
  const { applicationName } = config.options;
  const checkLeaks = await watchLeaks(server, applicationName);
  const controller = new AbortController();
  const abortOnceLoggingIn = (async () => {
    while (!controller.signal.aborted) {
      if ((await server.backends({ applicationName })).length > 0) controller.abort();
    }
  })();

  const result = await runConnectionTest(config, server.password, { signal: controller.signal });
  controller.abort();
  await abortOnceLoggingIn;

  expect(result.stages.at(-1)).toMatchObject({ name: 'auth', ok: false, error: cancelled });
  expect(result.stages.at(-1)!.ms).toBeLessThan(1000);
  // The backend notices the closed socket when its login trigger ends.
  await checkLeaks({ backendsGoneWithinMs: 3000 });
});

test('an already aborted signal stops before dns and opens nothing', async () => {
  const config = configFor(server);
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password, { signal: AbortSignal.abort() });

  await checkLeaks();
  expect(result.stages).toEqual([
    {
      name: 'dns',
      ms: expect.any(Number),
      ok: false,
      error: { ...cancelled, message: 'The connection test was cancelled' },
    },
  ]);
});
