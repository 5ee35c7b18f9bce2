/**
 * `npm run demo`: an embedded PostgreSQL, a fault proxy in front of it, and one connection through
 * the real service with short timings, its every state change printed live. Keys break things
 * (terminate backends, restart the server, blackhole or refuse the network) so keepalive,
 * backoff and recovery can be watched. See main/cli/watch.ts for a real server.
 */
import { randomUUID } from 'node:crypto';
import { validate } from '../../machines/config.ts';
import { startApp } from './demo/app.ts';
import { type Command, connectionCommands, legend } from './demo/commands.ts';
import { watchedConnection } from './demo/connection.ts';
import { startSandbox } from './demo/sandbox.ts';

const APPLICATION_NAME = 'tusk-demo';

const proxyMode = {
  pass: 'proxy accepts and passes connections again',
  blackhole: 'proxy blackholes: no byte gets through either way, and nothing says so',
  refuse: 'proxy refuses new connections; open ones carry on',
  reset: 'proxy resets every connection',
};
const unblackholed = 'proxy passes bytes again; connections it blackholed stay dead';

const app = startApp();
const { out, shutdown } = app;

app.run(async () => {
  out.line('starting an embedded PostgreSQL and a fault proxy…');
  const sandbox = await startSandbox();
  shutdown.defer('stopping the server and removing its files', () => sandbox.close());
  const { server, proxy } = sandbox;
  out.line(
    `PostgreSQL ${sandbox.serverVersion} on ${server.host}:${server.port}, ` +
      `reached through the fault proxy on ${proxy.host}:${proxy.port}`,
  );
  out.line(`data: ${sandbox.dir} (removed at exit)`);
  if (shutdown.quitting) return;

  const config = validate({
    id: randomUUID(),
    name: 'demo',
    host: proxy.host,
    port: proxy.port,
    database: server.database,
    username: server.user,
    sslMode: 'disable',
    options: { applicationName: APPLICATION_NAME, keepaliveIntervalSec: 2, connectTimeoutSec: 2 },
  });
  const conn = await watchedConnection({
    config,
    password: server.password,
    parent: sandbox.dir,
    out,
  });
  shutdown.defer('closing the service', () => conn.close());
  if (shutdown.quitting) return;

  const commands: Command[] = [
    {
      key: 't',
      label: 'terminate backends',
      run: async () => {
        const pids = await sandbox.terminate(APPLICATION_NAME);
        return `pg_terminate_backend: ${pids.length} backend(s) gone (pids ${pids.join(', ')})`;
      },
    },
    {
      key: 'r',
      label: 'restart server',
      run: async () => {
        const started = performance.now();
        await sandbox.restart();
        return `server stopped and started again in ${Math.round(performance.now() - started)} ms`;
      },
    },
    {
      key: 'b',
      label: 'blackhole',
      run: async () => {
        const mode = await sandbox.toggle('blackhole');
        return mode === 'pass' ? unblackholed : proxyMode[mode];
      },
    },
    {
      key: 'x',
      label: 'refuse',
      run: async () => proxyMode[await sandbox.toggle('refuse')],
    },
    ...connectionCommands(conn, shutdown),
  ];
  app.use(commands);
  out.line(
    `connection: keepalive every ${config.options.keepaliveIntervalSec} s, ` +
      `timeouts ${config.options.connectTimeoutSec} s, ` +
      `up to ${config.options.maxReconnectAttempts} reconnect attempts`,
  );
  out.line(out.paint.bold(legend(commands, app.raw)));
  await conn.connect();
});
