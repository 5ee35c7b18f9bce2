import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor } from './helpers.ts';

const server = sharedServer();
let proxy: FaultProxy | undefined;
afterEach(() => proxy?.close());

test('a host that refuses is passed over for the next, and the result names both', async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  await proxy.setMode('refuse');
  const down = { host: proxy.host, port: proxy.port };
  const config = configFor(server, {
    ...down,
    sslMode: 'disable',
    hosts: [down, { host: server.host, port: server.port }],
  });
  const result = await runConnectionTest(config, server.password);
  expect(result).toMatchObject({ success: true, host: server.host, port: server.port });
  expect(result.stages.every((s) => s.ok)).toBe(true);
  expect(result.attempts).toEqual([
    { ...down, ok: false, stage: 'tcp', error: expect.objectContaining({ code: 'ECONNREFUSED' }) },
    { host: server.host, port: server.port, ok: true },
  ]);
});

test('a server that is not the target fails at auth, as a connect would', async () => {
  const config = configFor(server, { sslMode: 'disable' }, { targetSessionAttrs: 'standby' });
  const result = await runConnectionTest(config, server.password);
  expect(result.success).toBe(false);
  expect(result.stages.at(-1)).toMatchObject({
    name: 'auth',
    ok: false,
    error: { code: 'TARGET_MISMATCH', message: expect.stringMatching(/not in hot standby/) },
    hint: expect.stringMatching(/does not fit target_session_attrs=standby/),
  });
});
