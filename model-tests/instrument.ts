import { createActor, fromCallback, fromPromise, type PromiseActorLogic, toPromise } from 'xstate';
import type { SessionInput } from '../machines/connection.types.ts';
import type { TunnelOpened } from '../machines/tunnel.machine.ts';
import type { ConnectionActors } from '../main/service.ts';

export type PgActors = ConnectionActors;
/** The effects a fault can be put in front of: the promise actors of a connect and the ping. */
export type StepName =
  | 'resolveCredentials'
  | 'openSession'
  | 'applySession'
  | 'readServerInfo'
  | 'ping'
  /** The SSH tunnel child: its run n is the n-th tunnel spawned, failing in its openTunnel. */
  | 'tunnel';

/** Done right before the real step starts; returns its undoing, run once the step is over. */
export type Fault = () => Promise<() => Promise<void>>;

const noop = () => {};

/**
 * For `createConnectionService({ instrument })`: the n-th run of a step (1-based, per step name)
 * first applies `faultFor(step, n)`, if any, then runs the real effect. The fault is undone as
 * soon as the real effect settles or the machine stops waiting for it (a timeout won), so the
 * next step meets a healthy world again.
 */
export function instrumented(faultFor: (step: StepName, run: number) => Fault | undefined) {
  return (actors: PgActors): PgActors => {
    const runs = new Map<string, number>();
    const wrap = <TOutput, TInput>(step: StepName, real: PromiseActorLogic<TOutput, TInput>) =>
      faultyStep(step, real, (name, run) => faultFor(name as StepName, run), runs);
    const openTunnel = actors.tunnel.implementations.actors.openTunnel as PromiseActorLogic<
      TunnelOpened,
      SessionInput
    >;
    return {
      ...actors,
      tunnel: actors.tunnel.provide({ actors: { openTunnel: wrap('tunnel', openTunnel) } }),
      resolveCredentials: wrap('resolveCredentials', actors.resolveCredentials),
      openSession: wrap('openSession', actors.openSession),
      applySession: wrap('applySession', actors.applySession),
      readServerInfo: wrap('readServerInfo', actors.readServerInfo),
      ping: wrap('ping', actors.ping),
      // The readiness probe WAKEs a waiting reconnect when the server answers, which would race
      // the backoff timer the paths expect; main/pg/test/restart-reconnects-when-ready tests it.
      probe: fromCallback(() => undefined),
    };
  };
}

/**
 * A promise actor whose n-th run (1-based, counted in `runs` per step name) first applies
 * `faultFor(step, n)`, if any, then runs `real`; the fault is undone as soon as the real effect
 * settles or the machine stops waiting for it.
 */
export function faultyStep<TOutput, TInput>(
  step: string,
  real: PromiseActorLogic<TOutput, TInput>,
  faultFor: (step: string, run: number) => Fault | undefined,
  runs: Map<string, number>,
) {
  return fromPromise<TOutput, TInput>(async ({ input, signal }) => {
    const run = (runs.get(step) ?? 0) + 1;
    runs.set(step, run);
    const undo = await faultFor(step, run)?.();
    const inner = createActor(real, { input });
    const outcome = toPromise(inner);
    const abandoned = new Promise<void>((resolve) => {
      const stop = () => {
        inner.stop();
        resolve();
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    if (!signal.aborted) inner.start();
    // Settled, or abandoned because a timeout won: either way the fault has done its work.
    await Promise.race([outcome.then(noop, noop), abandoned]);
    await undo?.();
    return outcome;
  });
}
