import { expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { sharedServer } from '../../test/harness/shared.ts';
import { actorOf, configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();

it('wake(id) pings that connection now, and only that one', async () => {
  const { service } = await startService();
  // An hour between keepalives: any ping seen here is one that wake() asked for.
  const options = { keepaliveIntervalSec: 3600 };
  const woken = configFor(server, { options });
  const other = configFor(server, { options });
  await service.connect(woken, { password: server.password });
  await service.connect(other, { password: server.password });
  const pings = (id: string) => actorOf(service, id)!.getSnapshot().context.keepalive.pings;
  expect([pings(woken.id), pings(other.id)]).toEqual([0, 0]);

  await service.wake(woken.id);
  await waitFor(actorOf(service, woken.id)!, (s) => s.context.keepalive.pings === 1, {
    timeout: 5_000,
  });
  expect(pings(other.id)).toBe(0);
});

it('wake of an unknown connection is NotConnected; a malformed id is InvalidInput', async () => {
  const { service } = await startService();
  expect(await rejection(service.wake('6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b'))).toMatchObject({
    kind: 'NotConnected',
  });
  expect(await rejection(service.wake('nope'))).toMatchObject({
    kind: 'InvalidInput',
    field: 'connectionId',
  });
});
