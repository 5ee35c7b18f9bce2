/**
 * `npm run watch -- postgres://user:pass@host:port/db?sslmode=require`: one connection to a real
 * server through the service, every state change of its actor printed live, as `npm run demo`
 * does for the embedded one. Without a URL the standard PG* variables say where to connect. No
 * fault keys: only disconnect, connect, wake and quit.
 */
import { tmpdir } from 'node:os';
import { TuskError } from '../../machines/errors.ts';
import { startApp } from './demo/app.ts';
import { connectionCommands, legend } from './demo/commands.ts';
import { watchedConnection } from './demo/connection.ts';
import { type WatchTarget, watchTarget } from './demo/pg-url.ts';

const USAGE = `usage: npm run watch -- [postgres://user[:password]@host[:port]/database[?sslmode=…]]
Without a URL: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT,
PGAPPNAME and PGCONNECT_TIMEOUT, as psql reads them. URL parameters: sslmode, sslrootcert,
application_name, connect_timeout.`;

const args = process.argv.slice(2);
let target: WatchTarget | undefined;
if (args.includes('-h') || args.includes('--help')) {
  console.log(USAGE);
} else if (args.length > 1) {
  console.error(`watch: one URL at most\n${USAGE}`);
  process.exitCode = 2;
} else {
  try {
    // Short timings so keepalive and backoff can be watched; connect_timeout overrides 5 s.
    target = watchTarget(args[0], process.env, { keepaliveIntervalSec: 2, connectTimeoutSec: 5 });
  } catch (error) {
    if (!(error instanceof TuskError) || error.kind !== 'InvalidInput') throw error;
    console.error(`watch: ${error.message}`);
    process.exitCode = 2;
  }
}

if (target) {
  const { config, password, display } = target;
  const app = startApp();
  const { out, shutdown } = app;
  app.run(async () => {
    out.line(`watching ${display}`);
    const conn = await watchedConnection({ config, password, parent: tmpdir(), out });
    shutdown.defer('closing the service', () => conn.close());
    if (shutdown.quitting) return;
    const commands = connectionCommands(conn, shutdown);
    app.use(commands);
    out.line(
      `keepalive every ${config.options.keepaliveIntervalSec} s, ` +
        `timeouts ${config.options.connectTimeoutSec} s, ` +
        `up to ${config.options.maxReconnectAttempts} reconnect attempts`,
    );
    out.line(out.paint.bold(legend(commands, app.raw)));
    await conn.connect();
  });
}
