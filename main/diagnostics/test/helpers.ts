import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { expect, onTestFinished } from 'vitest';
import {
  type ConnectionConfig,
  type ConnectionConfigInput,
  validate,
} from '../../../machines/config.ts';
import type { SharedServer } from '../../../test/harness/shared.ts';
import { uniqueName } from '../../../test/harness/shared.ts';

/** A config for the shared server with an application name no other test uses. */
export function configFor(
  server: SharedServer,
  overrides: Partial<ConnectionConfigInput> = {},
  options: Partial<ConnectionConfigInput['options']> = {},
): ConnectionConfig {
  return validate({
    id: randomUUID(),
    name: 'diagnostics test',
    host: server.host,
    port: server.port,
    database: server.database,
    username: server.user,
    ...overrides,
    options: { applicationName: uniqueName('diag'), connectTimeoutSec: 2, ...options },
  });
}

/** TCP and TLS sockets this process holds open, the test's own and the harness's alike. */
const openSockets = () =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length;

async function until(done: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface LeakCheckOptions {
  /**
   * How long the server may take to notice a socket we destroyed and end its backend. 0 after a
   * success: the test's goodbye waits for the server, so nothing may be left when it resolves.
   */
  backendsGoneWithinMs?: number;
  /**
   * A proxy in this process: its sockets count too, and close only after ours did, so they are
   * waited for first; a socket of ours left open would keep them open.
   */
  proxy?: { openCount(): number };
}

/**
 * Takes the socket count now (after one admin query, so the harness's admin client is in it) and
 * returns a check that the code under test left no socket open and no backend of its
 * application name in pg_stat_activity.
 */
export async function watchLeaks(server: SharedServer, applicationName: string) {
  expect(await server.backends({ applicationName })).toEqual([]);
  const baseline = openSockets();
  return async ({ backendsGoneWithinMs = 2000, proxy }: LeakCheckOptions = {}) => {
    if (proxy) {
      await until(() => proxy.openCount() === 0, 2000);
      expect(proxy.openCount(), 'connections still open at the fault proxy').toBe(0);
    }
    expect(openSockets(), 'sockets left open').toBe(baseline);
    await until(
      async () => (await server.backends({ applicationName })).length === 0,
      backendsGoneWithinMs,
    );
    expect(await server.backends({ applicationName })).toEqual([]);
  };
}

/**
 * A plain TCP forwarder to the shared server on another loopback address (127.0.0.2), which the
 * server certificate does not name: the way to meet a host-name mismatch without a DNS of our own.
 * Closed, with every socket, when the test ends.
 */
export async function forwarderOn(
  address: string,
  server: SharedServer,
): Promise<{ host: string; port: number; openCount(): number }> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const listener = net.createServer((client) => {
    const upstream = net.connect({ host: server.host, port: server.port });
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, address, () => resolve());
  });
  onTestFinished(async () => {
    const closed = new Promise((resolve) => listener.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  });
  return {
    host: address,
    port: (listener.address() as AddressInfo).port,
    openCount: () => sockets.size,
  };
}
