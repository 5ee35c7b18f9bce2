import { appendFile, chown, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isRoot, makeBase, templateCluster } from './embedded.ts';
import { type PgServer, startPostgres } from './postgres.ts';

export interface SocketServer {
  server: PgServer;
  /** The Unix-socket directory: a libpq host that starts with `/`. */
  socketDir: string;
  dispose(): Promise<void>;
}

/**
 * A server of its own that also listens on a Unix socket, with password (SCRAM) auth there too.
 * The directory belongs to the server's OS user, which must create the socket file in it.
 */
export async function startSocketPostgres(): Promise<SocketServer> {
  const socketDir = await makeBase('tusk-sock-');
  try {
    if (isRoot) {
      const { uid, gid } = await stat((await templateCluster()).dataDir);
      await chown(socketDir, uid, gid);
    }
    const server = await startPostgres({ settings: { unix_socket_directories: socketDir } });
    await appendFile(join(server.dataDir, 'pg_hba.conf'), 'local   all all scram-sha-256\n');
    await server.admin().query('select pg_reload_conf()');
    return {
      server,
      socketDir,
      dispose: async () => {
        await server.dispose();
        await rm(socketDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  }
}
