import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { InspectionEvent } from 'xstate';
import { type ConnectionConfig, validate } from '../machines/config.ts';
import type { ConnectionStatusEvent } from '../machines/manager.machine.ts';
import { type ConnectionActorRef, connectionActorId } from '../machines/manager.machine.ts';
import { createKeytarStore } from '../main/credentials/index.ts';
import { type ConnectionService, createConnectionService } from '../main/service.ts';
import { createFaultProxy, type FaultProxy } from '../test/harness/fault-proxy.ts';
import { type SharedServer, uniqueName } from '../test/harness/shared.ts';
import type { SshServer } from '../test/harness/sshd.ts';
import { type ConnectionSnapshot, MODEL_CONFIG } from './connection-events.ts';
import type { FaultKind } from './connection-model.ts';
import { type Fault, instrumented } from './instrument.ts';

/*
 * The real world one path runs in: a connection service of its own (temporary data directory,
 * the real keyring under a service name of its own for the SSH password, the database password
 * from a password command run for every attempt) whose one connection reaches the shared
 * server through a fault proxy, as a role and database of its own, so faults can be caused for
 * real and backends counted by the connection's unique application name.
 */

export interface WorldOptions {
  /** Which effect runs fail, and how (from plannedFaults). */
  faults: Map<string, FaultKind>;
  keepaliveIntervalSec: number;
  inspect: (event: InspectionEvent) => void;
  /** Where the config's SSH tunnel goes (through a fault proxy of the world's own) when on. */
  sshd: SshServer;
}

export interface World {
  readonly service: ConnectionService;
  readonly server: SharedServer;
  readonly proxy: FaultProxy;
  /** The config as last saved; UPDATE_CONFIG changes it. */
  config: ConnectionConfig;
  readonly actor: ConnectionActorRef;
  /** Every snapshot the connection actor emitted, in order, from its first one. */
  readonly snapshots: ConnectionSnapshot[];
  readonly statuses: ConnectionStatusEvent[];
  /** Calls still running (connect, disconnect); each ends by itself or when the service closes. */
  readonly pending: Promise<unknown>[];
  backends(): Promise<number>;
  dispose(): Promise<void>;
}

export async function openWorld(server: SharedServer, options: WorldOptions): Promise<World> {
  const role = uniqueName('model');
  const password = randomBytes(12).toString('base64url');
  await server.createRole(role, password);
  // The password comes from a password command, run for every attempt as a token command is:
  // it prints a variable of this process's environment (never a file, never an argument).
  const passwordVar = `TUSK_MODEL_PASSWORD_${role}`;
  process.env[passwordVar] = password;
  await server
    .admin()
    .query(`create database ${pg.escapeIdentifier(role)} owner ${pg.escapeIdentifier(role)}`);
  const proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const { sshd } = options;
  const sshProxy = await createFaultProxy({ targetHost: sshd.host, targetPort: sshd.port });
  const dataDir = await mkdtemp(join(tmpdir(), 'tusk-model-'));
  const knownHosts = join(dataDir, 'user_known_hosts');
  await writeFile(knownHosts, `${await sshd.knownHostsLine(sshProxy.port)}\n`);
  const credentials = createKeytarStore({ service: `tusk-model-${randomUUID()}` });
  const config = validate({
    id: randomUUID(),
    name: role,
    host: proxy.host,
    port: proxy.port,
    database: role,
    username: role,
    sslMode: 'disable',
    // printenv: a program that starts in a millisecond, so attempts keep their timing.
    passwordCommand: { argv: ['printenv', passwordVar], timeoutSec: 10 },
    sshTunnel: {
      enabled: MODEL_CONFIG.sshTunnel!.enabled,
      host: sshProxy.host,
      port: sshProxy.port,
      username: sshd.user,
      auth: 'password',
      // The tunnel's own keepalive stays out of the way: the tunnel model covers it.
      keepaliveIntervalSec: 600,
    },
    options: {
      applicationName: uniqueName('tusk_model'),
      // Room for a fault's own work (terminating a backend and seeing its socket close) inside
      // the connect deadline on a machine kept busy by other work: at 1 s it lost that race.
      connectTimeoutSec: 2,
      keepaliveIntervalSec: options.keepaliveIntervalSec,
      poolMax: 3,
      maxReconnectAttempts: MODEL_CONFIG.options.maxReconnectAttempts,
      readonly: MODEL_CONFIG.options.readonly,
    },
  });
  const alterPassword = (to: string) =>
    server
      .admin()
      .query(`alter role ${pg.escapeIdentifier(role)} password ${pg.escapeLiteral(to)}`);
  const mode = (to: 'refuse' | 'blackhole') => async () => {
    await proxy.setMode(to);
    return () => proxy.setMode('pass');
  };

  const realise: Record<FaultKind, Fault> = {
    // The command fails (printenv of an unset variable exits 1): asking again would fail the same.
    missingPassword: async () => {
      delete process.env[passwordVar];
      return async () => {
        process.env[passwordVar] = password;
      };
    },
    refused: mode('refuse'),
    sshRefused: async () => {
      await sshProxy.setMode('refuse');
      return () => sshProxy.setMode('pass');
    },
    blackhole: mode('blackhole'),
    wrongPassword: async () => {
      await alterPassword(`not-${password}`);
      return async () => {
        await alterPassword(password);
      };
    },
    // The ping is held by a blackhole, then every connection is reset under it.
    resetInFlight: async () => {
      await proxy.setMode('blackhole');
      const reset = setTimeout(() => void proxy.setMode('reset'), 100);
      return async () => {
        clearTimeout(reset);
        await proxy.setMode('pass');
      };
    },
    // Every backend of the connection (the pool's clients, and the control client once it
    // opened behind `connected`). Then until the proxy saw our side close each of their
    // sockets, so the client has read the server's FATAL: a step that answers from what the
    // connect already read (SHOW, server info) makes no round trip that would meet it.
    terminated: async () => {
      const open = proxy.openCount();
      const killed = await server.terminate({ applicationName: config.options.applicationName });
      for (let i = 0; i < 200 && proxy.openCount() > open - killed.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return async () => {};
    },
  };

  const service = await createConnectionService({
    dataDir,
    credentials,
    inspect: options.inspect,
    ssh: { userKnownHostsFile: knownHosts },
    // The paths send WAKE where the model says; a busy machine's late tick must not add one.
    wakeWatch: false,
    instrument: instrumented((step, run) => {
      const kind = options.faults.get(`${step}#${run}`);
      return kind && realise[kind];
    }),
  });
  const statuses: ConnectionStatusEvent[] = [];
  const stopStatuses = service.onStatus((event) => statuses.push(event));
  await service.saveConnection(config, undefined, { sshPassword: sshd.password });
  const actor = service.manager.system.get(connectionActorId(config.id)) as ConnectionActorRef;
  const snapshots: ConnectionSnapshot[] = [actor.getSnapshot()];
  const subscription = actor.subscribe((snapshot) => snapshots.push(snapshot));

  const world: World = {
    service,
    server,
    proxy,
    config,
    actor,
    snapshots,
    statuses,
    pending: [],
    backends: async () =>
      (await server.backends({ applicationName: config.options.applicationName })).length,
    async dispose() {
      subscription.unsubscribe();
      stopStatuses();
      await service.close();
      await Promise.allSettled(world.pending);
      await proxy.close();
      await sshProxy.close();
      await credentials.deleteAll(config.id);
      delete process.env[passwordVar];
      await rm(dataDir, { recursive: true, force: true });
      await server
        .admin()
        .query(`drop database if exists ${pg.escapeIdentifier(role)} with (force)`);
      await server.admin().query(`drop role if exists ${pg.escapeIdentifier(role)}`);
    },
  };
  return world;
}
