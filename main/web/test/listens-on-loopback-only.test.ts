import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { expect, it } from 'vitest';
import { ipcUrl, rawClient, startHost } from './helpers.ts';

const outcome = (host: string, port: number) =>
  new Promise<string>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

it('listens on 127.0.0.1 alone: other loopback and local addresses are refused', async () => {
  const { host } = await startHost();
  expect(new URL(host.url).hostname).toBe('127.0.0.1');
  expect(await outcome('127.0.0.1', host.port)).toBe('connected');

  // Every other address of this machine, loopback ones included (127.0.0.2, ::1), and those of
  // its network interfaces if it has any.
  const others = new Set(['127.0.0.2', '::1']);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? [])
      if (a.address !== '127.0.0.1' && !a.address.startsWith('fe80')) others.add(a.address);
  }
  const results = Object.fromEntries(
    await Promise.all([...others].map(async (a) => [a, await outcome(a, host.port)] as const)),
  );
  for (const [address, result] of Object.entries(results)) {
    expect(result, `${address}:${host.port}`).not.toBe('connected');
  }
  // And the host still serves its own address.
  const client = await rawClient(ipcUrl(host));
  expect(await client.request('list_groups', {})).toMatchObject({ ok: true });
});
