import { mkdir } from 'node:fs/promises';
import type { HostEvents } from '../../machines/ipc.ts';
import { openCredentialStore } from '../credentials/index.ts';
import { inspectorFromEnv } from '../dev/inspector.ts';
import type { CommandTable } from '../ipc/index.ts';
import { type ConnectionService, createConnectionService } from '../service.ts';
import { type Demo, startDemo } from './demo.ts';
import { demoCommands } from './demo-command.ts';
import { createDemoControls } from './demo-controls.ts';
import type { AppFlags } from './flags.ts';

export type Notice = HostEvents['host:notice'];

/** What every host of the app (browser mode, Electron) starts from. */
export interface AppCore {
  readonly service: ConnectionService;
  /** The running demo, if any. */
  readonly demo: Demo | undefined;
  /** For the views' `demo` flag. */
  isDemo(connectionId: string): boolean;
  /** Commands this start binds on top of the shared table: demo_fault. */
  readonly commands: CommandTable;
  /** To tell every client as it connects (`host:notice`), e.g. that no OS keyring was found. */
  readonly notices: Notice[];
  /** Ends every pool, the demo's faults and its server; resolves when nothing is left. */
  stop(): Promise<void>;
}

/** One sentence for a failure a user can act on (a person reads it, not a debugger). */
export const sentence = (error: unknown) =>
  error instanceof Error ? error.message.split('\n')[0]! : String(error);

/**
 * The app start shared by the hosts: the data directory, the credential store (the OS keyring,
 * or memory with a notice said once), the service, and the demo unless --no-demo (a demo that
 * cannot start is one notice, and the app goes on without it). `say` gets the lines a person
 * may want to read (stderr in browser mode).
 */
export async function startAppCore(
  flags: Pick<AppFlags, 'dataDir' | 'demo'>,
  opts: { say: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<AppCore> {
  const { say } = opts;
  const notices: Notice[] = [];
  const notice = (level: Notice['level'], message: string) => {
    say(`tusk: ${message}`);
    notices.push({ level, message });
  };

  await mkdir(flags.dataDir, { recursive: true, mode: 0o700 });
  const credentials = await openCredentialStore();
  if (credentials.notice) notice('warning', credentials.notice);
  // TUSK_INSPECT=1 (Stately's inspector) or =console, as in the terminal demo.
  const inspector = await inspectorFromEnv((opts.env ?? process.env).TUSK_INSPECT, say);
  const service = await createConnectionService({
    dataDir: flags.dataDir,
    credentials: credentials.store,
    ...(inspector && { inspect: inspector.inspect }),
  });

  let demo: Demo | undefined;
  if (flags.demo) {
    say('tusk: starting the demo PostgreSQL (the first run makes its database: a few seconds)');
    try {
      demo = await startDemo({ dataDir: flags.dataDir, service });
      say(
        `tusk: demo PostgreSQL ${demo.server.version} running, its data in ` +
          `${demo.server.clusterDir}; its connection is "Demo (embedded)"`,
      );
    } catch (error) {
      notice('warning', `The demo database did not start, so there is none: ${sentence(error)}`);
    }
  }
  const controls = createDemoControls({ demo, service });

  let stopping: Promise<void> | undefined;
  const steps: [string, () => Promise<void> | undefined][] = [
    ['ending the demo faults', () => controls.close()],
    // Pools end before their server does.
    ['closing every connection', () => service.close()],
    ['stopping the demo PostgreSQL', () => demo?.close()],
    ['stopping the inspector', () => inspector?.stop()],
  ];
  return {
    service,
    demo,
    isDemo: controls.isDemo,
    commands: demoCommands(controls),
    notices,
    stop() {
      stopping ??= (async () => {
        for (const [name, step] of steps) {
          await Promise.resolve()
            .then(step)
            .catch((error: unknown) => say(`tusk: ${name} failed: ${sentence(error)}`));
        }
      })();
      return stopping;
    },
  };
}
