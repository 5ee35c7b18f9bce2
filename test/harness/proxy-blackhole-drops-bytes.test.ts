import net, { type AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';

// An echo server shows exactly which bytes cross the proxy, which pg's protocol would hide.
let echo: net.Server | undefined;
let proxy: FaultProxy | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await proxy?.close();
  await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
});

async function open(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk) => {
    received += chunk;
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

test('blackhole drops bytes both ways, for old and new sockets; after pass only new ones work', async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo?.listen(0, '127.0.0.1', resolve));
  const target = { targetHost: '127.0.0.1', targetPort: (echo.address() as AddressInfo).port };
  proxy = await createFaultProxy(target);

  const early = await open(proxy.port);
  early.socket.write('a');
  await expect.poll(early.received).toBe('a');

  await proxy.setMode('blackhole');
  const during = await open(proxy.port);
  early.socket.write('b');
  during.socket.write('c');
  await settle();
  expect([early.received(), during.received()]).toEqual(['a', '']);
  expect(proxy.openCount()).toBe(2);

  await proxy.setMode('pass');
  const late = await open(proxy.port);
  early.socket.write('d');
  during.socket.write('e');
  late.socket.write('f');
  await expect.poll(late.received).toBe('f');
  await settle();
  expect([early.received(), during.received()]).toEqual(['a', '']);
  expect(proxy.connections.map((c) => c.mode)).toEqual(['pass', 'blackhole', 'pass']);
  expect(proxy.openCount()).toBe(3);

  early.socket.destroy();
  await expect.poll(() => proxy?.openCount()).toBe(2);
});
