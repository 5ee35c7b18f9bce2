import { afterEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, rejection, startService } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
let applicationName: string | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  // The server never heard of the drop: end the pg_sleep backends left behind.
  if (applicationName) await server.terminate({ applicationName });
  applicationName = undefined;
});

describe('a session on a network that silently drops everything', () => {
  // A long keepalive interval: only the bounded close itself can end these.
  const options = { keepaliveIntervalSec: 3600, connectTimeoutSec: 1, poolMax: 4 };

  it('closeSession still ends, with the backend destroyed', async () => {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const { service } = await startService();
    const config = configFor({ ...server, host: proxy.host, port: proxy.port }, { options });
    applicationName = config.options.applicationName;
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const sleeping = rejection(service.query(config.id, 'select pg_sleep(60)', [], { sessionId }));
    await proxy.setMode('blackhole');
    await service.closeSession(sessionId);
    expect(service.sessionsOf(config.id)).toEqual([]);
    expect((await sleeping).kind).toBe('ConnectionLost');
  });

  it('disconnect with a busy session still ends, and the session with it', async () => {
    proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
    const { service } = await startService();
    const config = configFor({ ...server, host: proxy.host, port: proxy.port }, { options });
    applicationName = config.options.applicationName;
    await service.connect(config, { password: server.password });
    const { sessionId } = await service.openSession(config.id);
    const sleeping = rejection(service.query(config.id, 'select pg_sleep(60)', [], { sessionId }));
    await proxy.setMode('blackhole');
    await service.disconnect(config.id);
    expect(service.sessionsOf(config.id)).toEqual([]);
    expect((await sleeping).kind).toMatch(/ConnectionLost|NotConnected/);
  });
});
