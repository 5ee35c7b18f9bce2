import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

describe('session arguments', () => {
  it('are refused as InvalidInput naming the field', async () => {
    const { service } = await startService();
    const config = configFor(server);
    await service.connect(config, { password: server.password });
    const svc = service as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(await rejection(svc.openSession!('not-a-uuid'))).toMatchObject({
      kind: 'InvalidInput',
      field: 'connectionId',
    });
    expect(await rejection(svc.closeSession!(42))).toMatchObject({
      kind: 'InvalidInput',
      field: 'sessionId',
    });
    expect(await rejection(svc.cancel!(''))).toMatchObject({
      kind: 'InvalidInput',
      field: 'sessionId',
    });
    expect(await rejection(svc.query!(config.id, 'select 1', [], { sessionId: 7 }))).toMatchObject({
      kind: 'InvalidInput',
      field: 'sessionId',
    });
    expect(
      await rejection(svc.query!(config.id, 'select 1', [], { sessionId: 'x', extra: 1 })),
    ).toMatchObject({ kind: 'InvalidInput' });
    expect(
      await rejection(service.query(config.id, 'select 1', [], { sessionId: randomUUID() })),
    ).toMatchObject({ kind: 'InvalidInput', field: 'sessionId' });
    // Another connection's session is not this one's.
    const other = configFor(server);
    await service.connect(other, { password: server.password });
    const { sessionId } = await service.openSession(other.id);
    expect(await rejection(service.query(config.id, 'select 1', [], { sessionId }))).toMatchObject({
      kind: 'InvalidInput',
      field: 'sessionId',
    });
    // Unknown ids: closing and cancelling are always safe to ask for.
    await service.closeSession(randomUUID());
    await service.cancel(randomUUID());
    expect(await rejection(service.openSession(randomUUID()))).toMatchObject({
      kind: 'NotConnected',
    });
  });
});
