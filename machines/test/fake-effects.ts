import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import { type ConnectionConfigInput, validate } from '../config.ts';
import { connectionMachine } from '../connection.machine.ts';
import type {
  CloseInput,
  ConnectionEvent,
  CredentialSource,
  PingInput,
  PingResult,
  ServerInfo,
  SessionInput,
  SessionSettings,
} from '../connection.types.ts';
import type { TuskErrorData } from '../errors.ts';

type Step =
  | 'resolveCredentials'
  | 'openSession'
  | 'applySession'
  | 'readServerInfo'
  | 'ping'
  | 'closeSession';

export const serverInfo: ServerInfo = {
  version: 'PostgreSQL 18.0',
  serverVersionNum: 180000,
  currentDatabase: 'app',
  currentUser: 'tusk',
  backendPid: 4242,
  startedAt: '2026-01-01T00:00:00.000Z',
  ssl: false,
};

const settings: SessionSettings = {
  readonly: false,
  statementTimeoutMs: 0,
  applicationName: 'Tusk',
};

/**
 * Test doubles for every effect the machine names. Each step succeeds unless a failure is
 * queued for it; `hold` makes a step wait until released, to catch the machine mid-step.
 */
export function fakeEffects() {
  const calls: string[] = [];
  const closes: CloseInput['reason'][] = [];
  /** Why each ping was sent, in order. */
  const pings: ('path in doubt' | 'interval')[] = [];
  const failures = new Map<Step, TuskErrorData[]>();
  const held = new Map<Step, Array<() => void>>();
  const holding = new Set<Step>();
  let open = false;
  let lostSink: ((event: ConnectionEvent) => void) | null = null;

  const step =
    <T>(name: Step, value: () => T) =>
    async () => {
      calls.push(name);
      if (holding.has(name)) {
        await new Promise<void>((release) => held.set(name, [...(held.get(name) ?? []), release]));
      }
      const failure = failures.get(name)?.shift();
      if (failure) throw failure;
      return value();
    };

  const actors = {
    resolveCredentials: fromPromise<CredentialSource, SessionInput>(
      step('resolveCredentials', (): CredentialSource => 'none'),
    ),
    // Like main's, an open whose actor was stopped mid-way closes what it opened.
    openSession: fromPromise<void, SessionInput>(async ({ signal }) => {
      await step('openSession', () => undefined)();
      if (!signal.aborted) open = true;
    }),
    applySession: fromPromise<SessionSettings, SessionInput>(step('applySession', () => settings)),
    readServerInfo: fromPromise<ServerInfo, SessionInput>(step('readServerInfo', () => serverInfo)),
    ping: fromPromise<PingResult, PingInput>(({ input }) => {
      pings.push(input.pathInDoubt ? 'path in doubt' : 'interval');
      return step(
        'ping',
        (): PingResult => ({ latencyMs: 1, at: 0, pool: { total: 1, idle: 1, waiting: 0 } }),
      )();
    }),
    closeSession: fromCallback<ConnectionEvent, CloseInput>(({ input, sendBack }) => {
      closes.push(input.reason);
      void step('closeSession', () => {
        open = false;
      })().then(() => sendBack({ type: 'SESSION_CLOSED' }));
    }),
    watchSession: fromCallback<ConnectionEvent, SessionInput>(({ sendBack }) => {
      lostSink = sendBack;
      return () => {
        lostSink = null;
      };
    }),
  };

  return {
    actors,
    calls,
    closes,
    pings,
    fail(name: Step, ...errors: TuskErrorData[]) {
      failures.set(name, [...(failures.get(name) ?? []), ...errors]);
    },
    hold(name: Step) {
      holding.add(name);
    },
    release(name: Step) {
      holding.delete(name);
      for (const release of held.get(name) ?? []) release();
      held.delete(name);
    },
    /** What an idle client's error looks like to the machine. */
    loseConnection(error: TuskErrorData) {
      lostSink?.({ type: 'CONNECTION_LOST', error });
    },
    /** Whether a session was opened and not closed since. */
    isOpen: () => open,
    count: (name: string) => calls.filter((c) => c === name).length,
  };
}

export function testConfig(options: ConnectionConfigInput['options'] = {}) {
  return validate({
    id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
    name: 'test',
    host: 'db.example',
    database: 'app',
    username: 'tusk',
    options,
  });
}

/** Lets promise-based actors settle; the simulated clock never moves on its own. */
export const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export function startActor(
  effects: ReturnType<typeof fakeEffects>,
  options: ConnectionConfigInput['options'] = {},
) {
  const clock = new SimulatedClock();
  const actor = createActor(connectionMachine.provide({ actors: effects.actors }), {
    input: { config: testConfig(options) },
    clock,
  });
  actor.start();
  const advance = async (ms: number) => {
    clock.increment(ms);
    await settle();
  };
  return { actor, clock, advance, state: () => actor.getSnapshot().value };
}

export const refused: TuskErrorData = {
  kind: 'ConnectionFailed',
  message: 'connect ECONNREFUSED 127.0.0.1:5432',
  code: 'ECONNREFUSED',
};
export const badPassword: TuskErrorData = {
  kind: 'AuthFailed',
  message: 'password authentication failed for user "tusk"',
  code: '28P01',
};
export const terminated: TuskErrorData = {
  kind: 'ConnectionLost',
  message: 'terminating connection due to administrator command',
  code: '57P01',
};
