import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { connectionMachine } from '../connection.machine.ts';
import {
  type ConnectionActorRef,
  type ConnectionStatusEvent,
  connectionActorId,
  managerMachine,
} from '../manager.machine.ts';
import { fakeEffects, refused, settle, testConfig } from './fake-effects.ts';

function startManager() {
  const effects = fakeEffects();
  const manager = createActor(
    managerMachine.provide({
      actors: { connection: connectionMachine.provide({ actors: effects.actors }) },
    }),
  );
  const events: ConnectionStatusEvent[] = [];
  manager.on('connection:status', ({ type: _, ...event }) => events.push(event));
  manager.start();
  const child = (id: string) =>
    manager.system.get(connectionActorId(id)) as ConnectionActorRef | undefined;
  return { manager, effects, events, child };
}

const a = testConfig();
const b = { ...testConfig(), id: '0b7e2f0e-3c1d-4e5f-9a6b-7c8d9e0f1a2b', name: 'b' };

describe('manager', () => {
  it('spawns one connection actor per connection, reachable by systemId', () => {
    const { manager, child } = startManager();
    manager.send({ type: 'CONNECTION_ADD', config: a });
    manager.send({ type: 'CONNECTION_ADD', config: b });
    expect(child(a.id)?.getSnapshot().context.config.id).toBe(a.id);
    expect(child(b.id)?.getSnapshot().context.config.id).toBe(b.id);
    expect(Object.keys(manager.getSnapshot().children).sort()).toEqual(
      [connectionActorId(a.id), connectionActorId(b.id)].sort(),
    );
  });

  it('adding a known connection again updates its config instead of spawning another', () => {
    const { manager, child } = startManager();
    manager.send({ type: 'CONNECTION_ADD', config: a });
    const first = child(a.id);
    manager.send({ type: 'CONNECTION_ADD', config: { ...a, name: 'renamed' } });
    expect(child(a.id)).toBe(first);
    expect(first?.getSnapshot().context.config.name).toBe('renamed');
  });

  it('routes commands to the right child and emits every status change in order', async () => {
    const { manager, effects, events, child } = startManager();
    manager.send({ type: 'CONNECTION_ADD', config: a });
    manager.send({ type: 'CONNECTION_ADD', config: b });
    effects.fail('openSession', refused);
    manager.send({ type: 'CONNECT', connectionId: b.id });
    await settle();
    manager.send({ type: 'CONNECT', connectionId: a.id });
    await settle();
    expect(child(a.id)?.getSnapshot().value).toEqual({ connected: 'idle' });
    expect(child(b.id)?.getSnapshot().value).toEqual({ error: 'closed' });
    manager.send({ type: 'DISCONNECT', connectionId: a.id });
    await settle();
    expect(events).toEqual([
      { connectionId: b.id, status: 'connecting' },
      { connectionId: b.id, status: 'error', error: refused },
      { connectionId: a.id, status: 'connecting' },
      { connectionId: a.id, status: 'connected' },
      { connectionId: a.id, status: 'disconnected' },
    ]);
    expect(manager.getSnapshot().context.statuses).toEqual({
      [a.id]: 'disconnected',
      [b.id]: 'error',
    });
  });

  it('broadcasts WAKE to every child', async () => {
    const { manager, effects } = startManager();
    manager.send({ type: 'CONNECTION_ADD', config: a });
    manager.send({ type: 'CONNECTION_ADD', config: b });
    manager.send({ type: 'CONNECT', connectionId: a.id });
    manager.send({ type: 'CONNECT', connectionId: b.id });
    await settle();
    manager.send({ type: 'WAKE' });
    await settle();
    expect(effects.count('ping')).toBe(2);
  });

  it('stops the child of a removed connection and ignores commands for unknown ids', async () => {
    const { manager, events, child } = startManager();
    manager.send({ type: 'CONNECTION_ADD', config: a });
    const ref = child(a.id)!;
    manager.send({ type: 'CONNECTION_REMOVE', connectionId: a.id });
    expect(ref.getSnapshot().status).toBe('stopped');
    expect(child(a.id)).toBeUndefined();
    manager.send({ type: 'CONNECT', connectionId: a.id });
    manager.send({ type: 'CONNECTION_REMOVE', connectionId: a.id });
    await settle();
    expect(events).toEqual([]);
    expect(manager.getSnapshot().status).toBe('active');
    // The same id can come back (a deleted connection re-imported).
    manager.send({ type: 'CONNECTION_ADD', config: a });
    expect(child(a.id)).toBeDefined();
  });
});
