import { expect, it } from 'vitest';
import { type AnyActorRef, createActor } from 'xstate';
import { connectionMachine } from '../connection.machine.ts';
import { type ConnectionActorRef, connectionActorId, managerMachine } from '../manager.machine.ts';
import { fakeEffects, settle, testConfig } from './fake-effects.ts';

const configs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ...testConfig(),
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `saved ${i}`,
  }));

function startManager() {
  const effects = fakeEffects();
  const manager = createActor(
    managerMachine.provide({
      actors: { connection: connectionMachine.provide({ actors: effects.actors }) },
    }),
  ).start();
  const child = (id: string) =>
    manager.system.get(connectionActorId(id)) as ConnectionActorRef | undefined;
  return { manager, effects, child };
}

it('CONNECTIONS_REMOVE stops and forgets many connections in one event, skipping unknown ids', async () => {
  const { manager, effects, child } = startManager();
  const all = configs(200);
  manager.send({ type: 'CONNECTIONS_LOAD', configs: all });
  const connected = all[7]!;
  manager.send({ type: 'CONNECT', connectionId: connected.id });
  await settle();
  expect(child(connected.id)?.getSnapshot().matches('connected')).toBe(true);
  const refs = new Map(all.map((c) => [c.id, child(c.id)!]));
  const invoked = Object.values(
    child(connected.id)!.getSnapshot().children as Record<string, AnyActorRef>,
  );
  expect(invoked).not.toEqual([]);
  const [kept, ...removed] = all;

  manager.send({
    type: 'CONNECTIONS_REMOVE',
    connectionIds: [...removed.map((c) => c.id), 'not-a-known-connection'],
  });

  expect(Object.keys(manager.getSnapshot().context.statuses)).toEqual([kept!.id]);
  expect(Object.keys(manager.getSnapshot().children)).toEqual([connectionActorId(kept!.id)]);
  for (const config of removed) {
    expect(child(config.id), 'unregistered from the system').toBeUndefined();
    expect(refs.get(config.id)!.getSnapshot().status).toBe('stopped');
  }
  // The connected one's invoked actors were stopped with it: its session's watcher is gone.
  for (const ref of invoked) expect(ref.getSnapshot().status).toBe('stopped');
  expect(effects.calls).toContain('openSession');
  expect(child(kept!.id)?.getSnapshot().status).toBe('active');

  // The one-connection event takes the same path, and a removed id can be added again.
  manager.send({ type: 'CONNECTION_REMOVE', connectionId: kept!.id });
  expect(manager.getSnapshot().children).toEqual({});
  expect(refs.get(kept!.id)!.getSnapshot().status).toBe('stopped');
  manager.send({ type: 'CONNECTION_ADD', config: kept! });
  expect(child(kept!.id)?.getSnapshot().status).toBe('active');
  expect(child(kept!.id)).not.toBe(refs.get(kept!.id));
  manager.stop();
});
