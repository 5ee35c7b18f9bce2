import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import {
  actorOf,
  recordStatuses,
  rejection,
  startService,
  untilStatuses,
} from '../../test/helpers.ts';
import { bouncerModes, poolerPerFile } from './helpers.ts';

describe.each(bouncerModes)('keepalive and reconnect through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);

  it('pings, and after the pooler restarts reconnects with read-only still enforced', async () => {
    const { service } = await startService();
    const events = recordStatuses(service);
    const config = fx.config({
      options: { readonly: true, keepaliveIntervalSec: 1, poolMax: 4, maxReconnectAttempts: 50 },
    });
    await service.connect(config, { password: fx.password });
    const actor = actorOf(service, config.id)!;
    await waitFor(actor, (s) => s.context.keepalive.pings >= 2, { timeout: 5_000 });
    const { sessionId } = await service.openSession(config.id);
    await service.query(config.id, 'begin', [], { sessionId });

    await fx.bouncer.stop();
    await untilStatuses(events, config.id, ['connecting', 'connected', 'reconnecting']);
    const lost = await rejection(service.query(config.id, 'select 1', [], { sessionId }));
    expect(lost.kind).toBe('ConnectionLost');
    expect(lost.message).toContain('open transaction is gone');
    expect(service.sessionsOf(config.id)).toMatchObject([{ sessionId, transaction: 'lost' }]);
    await fx.bouncer.start();

    const statuses = await untilStatuses(
      events,
      config.id,
      ['connecting', 'connected', 'reconnecting', 'connected'],
      15_000,
    );
    expect(statuses.at(-1)).toBe('connected');
    expect((await service.query(config.id, 'select 1 as one')).rows).toEqual([{ one: 1 }]);
    const write = await rejection(service.query(config.id, 'create table nope (x int)'));
    expect(write.code).toBe('25006');
    const pings = actor.getSnapshot().context.keepalive.pings;
    await waitFor(actor, (s) => s.context.keepalive.pings > pings, { timeout: 5_000 });
    // The lost session stays lost (nothing replayed) and closes quietly.
    expect((await rejection(service.query(config.id, 'select 1', [], { sessionId }))).kind).toBe(
      'ConnectionLost',
    );
    await service.closeSession(sessionId);
    expect(service.sessionsOf(config.id)).toEqual([]);
  });
});
