import { expect, it } from 'vitest';
import { isTuskErrorData } from '../../machines/errors.ts';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { configFor, recordStatuses, rejection, startService, untilStatuses } from './helpers.ts';

const server = sharedServer();

it('connect, backend killed, disconnect: connecting, connected, reconnecting, connected, disconnected', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const config = configFor(server);

  await service.connect(config, { password: server.password });
  await server.terminate({ applicationName: config.options.applicationName });
  await untilStatuses(events, config.id, ['connecting', 'connected', 'reconnecting', 'connected']);
  await service.disconnect(config.id);

  expect(events).toEqual(
    ['connecting', 'connected', 'reconnecting', 'connected', 'disconnected'].map((status) => ({
      connectionId: config.id,
      status,
    })),
  );
});

it('a failing connect emits connecting, then error carrying the TuskErrorData it rejected with', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const config = configFor(server);

  const thrown = await rejection(service.connect(config, { password: 'wrong password' }));

  expect(events.map((e) => e.status)).toEqual(['connecting', 'error']);
  const { error } = events[1]!;
  expect(isTuskErrorData(error)).toBe(true);
  expect(error).toEqual(thrown.toJSON());
  expect(error).toMatchObject({ kind: 'AuthFailed', code: '28P01' });
  expect(events[0]).not.toHaveProperty('error');
});

it('a missing database is reported once as error with 3D000, without reconnect attempts', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const config = configFor({ ...server, database: uniqueName('missing_db') });

  await rejection(service.connect(config, { password: server.password }));

  expect(events.map((e) => [e.status, e.error?.code])).toEqual([
    ['connecting', undefined],
    ['error', '3D000'],
  ]);
});

it('events of two connections each carry their own connectionId and keep their own order', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const [one, two] = [configFor(server), configFor(server)];

  await Promise.all([
    service.connect(one, { password: server.password }),
    service.connect(two, { password: server.password }),
  ]);
  await service.disconnect(one.id);

  const of = (id: string) => events.filter((e) => e.connectionId === id).map((e) => e.status);
  expect(of(one.id)).toEqual(['connecting', 'connected', 'disconnected']);
  expect(of(two.id)).toEqual(['connecting', 'connected']);
});

it('an unsubscribed listener hears nothing more', async () => {
  const { service } = await startService();
  const heard: string[] = [];
  const stop = service.onStatus((e) => heard.push(e.status));
  const config = configFor(server);

  await service.connect(config, { password: server.password });
  stop();
  await service.disconnect(config.id);

  expect(heard).toEqual(['connecting', 'connected']);
});
