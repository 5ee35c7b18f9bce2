import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Actor,
  type AnyActorRef,
  assign,
  createActor,
  type InspectionEvent,
  type PromiseActorLogic,
  setup,
} from 'xstate';
import type { SessionInput } from '../machines/connection.types.ts';
import { type TunnelOpened, type TunnelReport, tunnelMachine } from '../machines/tunnel.machine.ts';
import { createKeytarStore, SSH_PASSWORD } from '../main/credentials/index.ts';
import { createSshEffects } from '../main/ssh/index.ts';
import { createFaultProxy, type FaultProxy } from '../test/harness/fault-proxy.ts';
import type { SshServer } from '../test/harness/sshd.ts';
import { type Fault, faultyStep } from './instrument.ts';
import { TUNNEL_MODEL_CONFIG, type TunnelSnapshot } from './tunnel-model.ts';

/*
 * The real world a tunnel path runs in: the real ssh2 effects against a real sshd, through a
 * fault proxy of the path's own, the SSH password in the real keyring, and a stand-in for the
 * connection actor (the tunnel's parent) that records what the tunnel reports.
 */

export type TunnelFault = 'sshRefused' | 'resetInFlight' | 'blackhole';

export interface TunnelWorld {
  readonly proxy: FaultProxy;
  readonly tunnel: AnyActorRef;
  readonly snapshots: TunnelSnapshot[];
  /** What the tunnel sent its parent, in order. */
  readonly reports: TunnelReport[];
  /** The SSH connection of the tunnel is open (effects' view, not the machine's). */
  streamOpen(): boolean;
  dispose(): Promise<void>;
}

const parentMachine = setup({
  types: {
    context: {} as { reports: TunnelReport[]; input: SessionInput },
    events: {} as TunnelReport,
    input: {} as SessionInput,
  },
  actors: { tunnel: tunnelMachine },
}).createMachine({
  context: ({ input }) => ({ reports: [], input }),
  invoke: { id: 'tunnel', src: 'tunnel', input: ({ context }) => context.input },
  on: {
    '*': { actions: assign({ reports: ({ context, event }) => [...context.reports, event] }) },
  },
});

export async function openTunnelWorld(
  sshd: SshServer,
  options: { faults: Map<string, TunnelFault>; inspect: (event: InspectionEvent) => void },
): Promise<TunnelWorld> {
  const proxy = await createFaultProxy({ targetHost: sshd.host, targetPort: sshd.port });
  const dir = await mkdtemp(join(tmpdir(), 'tusk-tunnel-model-'));
  const userKnownHostsFile = join(dir, 'known_hosts');
  await writeFile(userKnownHostsFile, `${await sshd.knownHostsLine(proxy.port)}\n`);
  const service = `tusk-tunnel-model-${randomUUID()}`;
  const credentials = createKeytarStore({ service });
  const config = {
    ...TUNNEL_MODEL_CONFIG,
    id: randomUUID(),
    sshTunnel: {
      ...TUNNEL_MODEL_CONFIG.sshTunnel!,
      host: proxy.host,
      port: proxy.port,
      username: sshd.user,
    },
  };
  await credentials.setSecret(config.id, SSH_PASSWORD, sshd.password);
  const effects = createSshEffects({
    credentials,
    knownHostsFile: join(dir, 'tusk_known_hosts'),
    userKnownHostsFile,
  });

  const realise: Record<TunnelFault, Fault> = {
    sshRefused: async () => {
      await proxy.setMode('refuse');
      return () => proxy.setMode('pass');
    },
    // The probe is held by a blackhole, then the link is reset under it.
    resetInFlight: async () => {
      await proxy.setMode('blackhole');
      const reset = setTimeout(() => void proxy.setMode('reset'), 100);
      return async () => {
        clearTimeout(reset);
        await proxy.setMode('pass');
      };
    },
    // A blackholed pair stays dead after `pass`: the next probe goes unanswered too.
    blackhole: async () => {
      await proxy.setMode('blackhole');
      return () => proxy.setMode('pass');
    },
  };
  const runs = new Map<string, number>();
  const faultFor = (step: string, run: number) => {
    const kind = options.faults.get(`${step}#${run}`);
    return kind && realise[kind];
  };
  const real = effects.actors;
  const tunnel = tunnelMachine.provide({
    actors: {
      openTunnel: faultyStep(
        'openTunnel',
        real.openTunnel as PromiseActorLogic<TunnelOpened, SessionInput>,
        faultFor,
        runs,
      ),
      probeTunnel: faultyStep(
        'probeTunnel',
        real.probeTunnel as PromiseActorLogic<void, SessionInput>,
        faultFor,
        runs,
      ),
      watchTunnel: real.watchTunnel,
    },
    actions: effects.actions,
  });
  const actor: Actor<typeof parentMachine> = createActor(
    parentMachine.provide({ actors: { tunnel } }),
    {
      input: { connectionId: config.id, config },
      inspect: options.inspect,
    },
  );
  actor.start();
  const child = actor.getSnapshot().children.tunnel as AnyActorRef;
  const snapshots: TunnelSnapshot[] = [child.getSnapshot()];
  const subscription = child.subscribe((snapshot) => snapshots.push(snapshot));

  return {
    proxy,
    tunnel: child,
    snapshots,
    get reports() {
      return actor.getSnapshot().context.reports;
    },
    streamOpen: () => effects.streamFor(config.id) !== undefined,
    async dispose() {
      subscription.unsubscribe();
      actor.stop();
      await effects.closeAll();
      await proxy.close();
      await credentials.deleteAll(config.id);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
