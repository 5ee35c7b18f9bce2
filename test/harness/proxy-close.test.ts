import net from 'node:net';
import { expect, test } from 'vitest';
import { createFaultProxy } from './fault-proxy.ts';
import { sharedServer } from './shared.ts';

const server = sharedServer();

const connect = (port: number) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });

test('close() ends every socket in any mode, frees the port, and may be called again', async () => {
  const proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const passing = await connect(proxy.port);
  await proxy.setMode('blackhole');
  const stuck = await connect(proxy.port);
  const closed = [passing, stuck].map((s) => new Promise((resolve) => s.once('close', resolve)));
  for (const socket of [passing, stuck]) socket.on('error', () => {});

  await Promise.all([proxy.close(), proxy.close()]);
  await proxy.close();

  await Promise.all(closed);
  expect(proxy.openCount()).toBe(0);
  await expect(connect(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  await expect(proxy.setMode('pass')).rejects.toThrow(/closed/);
});

test('close() after refuse does not wait for anything still listening', async () => {
  const proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  await proxy.setMode('refuse');
  await proxy.close();
  await expect(connect(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
