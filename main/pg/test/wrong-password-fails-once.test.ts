import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { createPgEffects } from '../effects.ts';
import {
  configFor,
  delay,
  effectsPerTest,
  eventually,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();
let proxy: FaultProxy;

beforeEach(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
});
afterEach(() => proxy.close());

const viaProxy = () => ({ ...server, host: proxy.host, port: proxy.port });

describe('credentials the server or the keyring refuses', () => {
  it('a wrong password ends in error (AuthFailed) after one connection attempt', async () => {
    const wrong = 'not-the-password-4711';
    const config = configFor(viaProxy(), { options: { maxReconnectAttempts: 20 } });
    const actor = startConnection(effects(), config, { password: wrong, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');

    expect(context.lastError).toMatchObject({ kind: 'AuthFailed', code: '28P01' });
    expect(JSON.stringify(context.lastError)).not.toContain(wrong);
    await delay(1000);
    expect(actor.getSnapshot().matches('error')).toBe(true);
    expect(proxy.connections).toHaveLength(1);
    await eventually(
      async () =>
        (await server.backends({ applicationName: config.options.applicationName })).length === 0,
      1000,
    );
  });

  it('a password missing from the keyring fails with CredentialNotFound without connecting', async () => {
    const keyring = createPgEffects({ credentials: { getPassword: async () => null } });
    const config = configFor(viaProxy(), { passwordInKeyring: true });
    const actor = startConnection(keyring, config, { actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');

    expect(context.lastError).toMatchObject({ kind: 'CredentialNotFound' });
    expect(proxy.connections).toHaveLength(0);
    await keyring.closeAll();
  });

  it('the keyring password is used when no one-off password is given', async () => {
    const keyring = createPgEffects({
      credentials: { getPassword: async (id) => (id === config.id ? server.password : null) },
    });
    const config = configFor(viaProxy(), { passwordInKeyring: true });
    const actor = startConnection(keyring, config, { actors });
    actor.send({ type: 'CONNECT' });
    await waitForStatus(actor, 'connected');
    actor.stop();
    await keyring.closeAll();
    // Through the proxy our socket closes when the proxy answers our goodbye, a moment before
    // the server's backend exits; directly, the server's own close proves it (see disconnect).
    await eventually(
      async () =>
        (await server.backends({ applicationName: config.options.applicationName })).length === 0,
      1000,
    );
  });
});
