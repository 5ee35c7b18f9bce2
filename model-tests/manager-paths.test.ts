import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActor, type SnapshotFrom } from 'xstate';
import { createTestModel, type TestPath } from 'xstate/graph';
import { type ConnectionConfig, validate } from '../machines/config.ts';
import { type ConnectionStatusEvent, managerMachine } from '../machines/manager.machine.ts';
import { createKeytarStore } from '../main/credentials/index.ts';
import { createConnectionService } from '../main/service.ts';
import { sharedServer, uniqueName } from '../test/harness/shared.ts';
import {
  CoverageRecorder,
  coveringStepper,
  formatReport,
  greedyCover,
} from './machine-coverage.ts';
import {
  CONNECTIONS,
  expectedStatuses,
  type ManagerModelEvent,
  managerModel,
  type Name,
  type Presence,
  parseEvent,
} from './manager-model.ts';

type ModelSnapshot = SnapshotFrom<typeof managerModel>;
type ModelPath = TestPath<ModelSnapshot, ManagerModelEvent>;

const server = sharedServer();
const role = uniqueName('model_mgr');
const password = randomBytes(12).toString('base64url');
beforeAll(() => server.createRole(role, password));

/**
 * Shortest paths to every state and every transition (createTestModel tells snapshots apart by
 * the transition that reached them) plus the simple paths between states; a greedy cover keeps
 * few that take every transition of the model.
 */
function managerPaths(): ModelPath[] {
  const byTransition = createTestModel(managerModel);
  const byState = createTestModel(managerModel, { serializeTransition: () => '' });
  const stepper = coveringStepper<ModelSnapshot>(managerModel);
  const covered = (path: ModelPath) => {
    const items = new Set<string>();
    let snapshot = stepper.initial(undefined);
    for (const { event } of path.steps.slice(1)) {
      const step = stepper.step(snapshot, event);
      for (const item of step.covered) items.add(item);
      snapshot = step.next;
    }
    return items;
  };
  const candidates = [...byTransition.getShortestPaths(), ...byState.getSimplePaths()];
  return greedyCover(candidates, covered, (path) => path.steps.length);
}

const paths = managerPaths();
const modelCoverage = new CoverageRecorder(managerModel);
const managerCoverage = new CoverageRecorder(managerMachine);

const presence = (state: ModelSnapshot, name: Name) =>
  (state.value as Record<Name, Presence>)[name];
const describePath = (path: ModelPath) =>
  path.steps
    .slice(1)
    .map((s) => s.event.type)
    .join(' → ');

describe.concurrent('manager paths: two connections added, connected, disconnected, deleted', () => {
  paths.forEach((path, index) => {
    it(`path ${index + 1}: ${describePath(path)}`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'tusk-model-manager-'));
      const credentials = createKeytarStore({ service: `tusk-model-${randomUUID()}` });
      const service = await createConnectionService({
        dataDir,
        credentials,
        inspect: managerCoverage.inspect,
        wakeWatch: false,
      });
      const configs = Object.fromEntries(
        CONNECTIONS.map((name) => [name, configFor(name)]),
      ) as Record<Name, ConnectionConfig>;
      const statuses: ConnectionStatusEvent[] = [];
      const stop = service.onStatus((event) => statuses.push(event));
      let current: ModelSnapshot | undefined;

      const act = async (event: ManagerModelEvent) => {
        const { verb, name } = parseEvent(event);
        const config = configs[name];
        const from = presence(current!, name);
        const before = statuses.length;
        if (verb === 'ADD') await service.saveConnection(config, password);
        if (verb === 'CONNECT') await service.connect(config);
        if (verb === 'DISCONNECT') await service.disconnect(config.id);
        if (verb === 'DELETE') await service.deleteConnection(config.id);
        const wanted = expectedStatuses(verb, from).map((status) => ({
          connectionId: config.id,
          status,
        }));
        expect(statuses.slice(before), `status events of ${event.type}`).toEqual(wanted);
      };

      const looksLike = async (state: ModelSnapshot) => {
        current = state;
        const listed = (await service.listConnections()).map((c) => [c.config.id, c.status]);
        const wanted = CONNECTIONS.filter((n) => presence(state, n) !== 'absent').map((n) => [
          configs[n].id,
          presence(state, n) === 'connected' ? 'connected' : 'disconnected',
        ]);
        expect(listed.sort(), 'listConnections').toEqual(wanted.sort());
        for (const name of CONNECTIONS) {
          const config = configs[name];
          const connected = presence(state, name) === 'connected';
          expect(await service.getConnectionStatus(config.id), `status of ${name}`).toBe(
            connected ? 'connected' : 'disconnected',
          );
          const backends = await server.backends({
            applicationName: config.options.applicationName,
          });
          if (connected) expect(backends.length, `backends of ${name}`).toBeGreaterThanOrEqual(1);
          else expect(backends, `backends of ${name}`).toEqual([]);
        }
      };

      const events = Object.fromEntries(
        CONNECTIONS.flatMap((name) =>
          (['ADD', 'CONNECT', 'DISCONNECT', 'DELETE'] as const).map((verb) => [
            `${verb}_${name}`,
            ({ event }: { event: ManagerModelEvent }) => act(event),
          ]),
        ),
      );
      try {
        await path.test({ states: { '*': looksLike }, events });
      } finally {
        stop();
        await service.close();
        for (const config of Object.values(configs)) await credentials.deleteAll(config.id);
        await rm(dataDir, { recursive: true, force: true });
      }
      // The model's own coverage counts paths that passed against the real service.
      const model = createActor(managerModel, { inspect: modelCoverage.inspect }).start();
      for (const { event } of path.steps.slice(1)) model.send(event);
      model.stop();
    });
  });
});

function configFor(name: Name): ConnectionConfig {
  return validate({
    id: randomUUID(),
    name: `model ${name}`,
    host: server.host,
    port: server.port,
    database: server.database,
    username: role,
    sslMode: 'disable',
    passwordInKeyring: true,
    options: { applicationName: uniqueName('tusk_model_mgr'), connectTimeoutSec: 2, poolMax: 2 },
  });
}

describe('coverage', () => {
  it('the paths passed through every state and transition of the manager model', () => {
    const model = modelCoverage.report();
    const manager = managerCoverage.report();
    const exercised = [
      ...new Set(
        managerCoverage.seen().transitions.map((k) => k.split(' ')[1]?.replace(/\[\d+\]$/, '')),
      ),
    ];
    console.log(
      [
        `${paths.length} paths`,
        formatReport(model),
        `manager machine (what the service made of them): states ${manager.states.covered}/${manager.states.total}, transitions ${manager.transitions.covered}/${manager.transitions.total}`,
        `  events exercised: ${exercised.sort().join(', ')}`,
        ...manager.transitions.missing.map((t) => `  not exercised here: ${t}`),
      ].join('\n'),
    );
    expect(model.states.missing).toEqual([]);
    expect(model.transitions.missing).toEqual([]);
  });
});
