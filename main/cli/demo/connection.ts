import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionConfig } from '../../../machines/config.ts';
import { TuskError } from '../../../machines/errors.ts';
import { type ConnectionActorRef, connectionActorId } from '../../../machines/manager.machine.ts';
import { createMemoryCredentialStore } from '../../credentials/index.ts';
import { inspectorFromEnv } from '../../dev/inspector.ts';
import { createConnectionService } from '../../service.ts';
import { errorText, monitorConnection, noteLine } from './monitor.ts';
import type { Printer } from './printer.ts';

export interface WatchedConnection {
  readonly dataDir: string;
  /** Connects (the password is passed as a one-off each time); prints a failure, never rejects. */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** What the OS sends on resume: ping now, or try to reconnect now. */
  wake(): void;
  /** Closes the service (every pool and timer) and removes its data directory. */
  close(): Promise<void>;
}

/**
 * One connection through the real service, watched: a service on a fresh data directory under
 * `parent` and an in-memory credential store, with the connection actor's every state change
 * printed. Nothing is connected yet.
 */
export async function watchedConnection(opts: {
  config: ConnectionConfig;
  password: string | undefined;
  parent: string;
  out: Printer;
}): Promise<WatchedConnection> {
  const { config, password, out } = opts;
  const dataDir = await mkdtemp(join(opts.parent, 'tusk-service-'));
  // TUSK_INSPECT=1 (Stately's UI) or =console: every actor's transitions, beside our lines.
  const inspector = await inspectorFromEnv(process.env.TUSK_INSPECT, (line) => out.line(line));
  const service = await createConnectionService({
    dataDir,
    credentials: createMemoryCredentialStore(),
    ...(inspector && { inspect: inspector.inspect }),
  });
  // Added before connect() so the monitor sees the actor from its first state; connect() sends
  // the same config again, which only updates it.
  service.manager.send({ type: 'CONNECTION_ADD', config });
  const ref = service.manager.system.get(connectionActorId(config.id)) as ConnectionActorRef;
  const monitor = monitorConnection(ref, out);

  return {
    dataDir,
    async connect() {
      try {
        await service.connect(config, password === undefined ? undefined : { password });
      } catch (error) {
        // The monitor has printed the actor's own error; anything else is news.
        const data = error instanceof TuskError ? error.toJSON() : null;
        const shown = ref.getSnapshot().context.lastError;
        if (!data || !shown || errorText(data) !== errorText(shown)) {
          noteLine(out, out.paint.red(`connect failed: ${data ? errorText(data) : error}`));
        }
      }
    },
    async disconnect() {
      const started = performance.now();
      await service.disconnect(config.id);
      const ms = Math.round(performance.now() - started);
      noteLine(out, `disconnected in ${ms} ms: no backend of this connection is left`);
    },
    wake() {
      service.manager.send({ type: 'WAKE', cause: 'user' });
    },
    async close() {
      try {
        await service.close();
      } finally {
        monitor.stop();
        await inspector?.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
