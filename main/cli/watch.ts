/**
 * `npm run watch -- postgres://user:pass@host:port/db?sslmode=require`: one connection to a real
 * server through the service, every state change of its actor printed live, as `npm run demo`
 * does for the embedded one. Without a URL the standard PG* variables say where to connect. No
 * fault keys: only disconnect, connect, wake and quit.
 */
import { tmpdir } from 'node:os';
import { TuskError } from '../../machines/errors.ts';
// The target (URI or key=value, service files, PG*, pgpass at connect) comes from main/pgfiles.
import { type CliTarget, cliTarget, defaultPgFilesContext } from '../pgfiles/index.ts';
import { startApp } from './demo/app.ts';
import { connectionCommands, legend } from './demo/commands.ts';
import { watchedConnection } from './demo/connection.ts';

const USAGE = `usage: npm run watch -- [postgres://user[:password]@host[:port][,host2[:port2]...]/database[?param=value&...]
                      | 'host=... port=... dbname=... user=... service=...']
As psql: what the string leaves out comes from its service= (or PGSERVICE) in ~/.pg_service.conf
or PGSERVICEFILE, then PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT,
PGAPPNAME, PGCONNECT_TIMEOUT, PGOPTIONS, PGTARGETSESSIONATTRS, PGLOADBALANCEHOSTS; without a
password, ~/.pgpass (PGPASSFILE). Parameters: host, port, dbname, user, password, sslmode,
sslrootcert, application_name, connect_timeout, options (-c default_transaction_read_only,
-c statement_timeout), target_session_attrs, load_balance_hosts, service.`;

const args = process.argv.slice(2);
let target: CliTarget | undefined;
if (args.includes('-h') || args.includes('--help')) {
  console.log(USAGE);
} else if (args.length > 1) {
  console.error(`watch: one URL at most\n${USAGE}`);
  process.exitCode = 2;
} else {
  try {
    // Short timings so keepalive and backoff can be watched; connect_timeout overrides 5 s.
    target = await cliTarget(args[0], defaultPgFilesContext(), {
      keepaliveIntervalSec: 2,
      connectTimeoutSec: 5,
    });
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
