import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ViewsPayload } from '../../../machines/views.ts';
import {
  createWebSocketTransport,
  type LinkState,
  type SocketConstructor,
} from '../../../renderer/transport/websocket.ts';
import { createFaultProxy } from '../../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, rejection } from '../../test/helpers.ts';
import { startHost, until } from './helpers.ts';

const server = sharedServer();

it("the renderer's WebSocket transport reconnects with backoff after its socket drops, and starts again from the whole set", async () => {
  const { host, service } = await startHost();
  const config = configFor(server);
  await service.saveConnection(config);
  // The socket goes through a fault proxy (a laptop that sleeps), still naming the host's own
  // Host header as a browser on the page would.
  const proxy = await createFaultProxy({ targetHost: '127.0.0.1', targetPort: host.port });
  const Socket = class extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { host: `127.0.0.1:${host.port}` } });
    }
  } as unknown as SocketConstructor;
  const waits: number[] = [];
  const transport = createWebSocketTransport(
    `ws://127.0.0.1:${proxy.port}/ipc?token=${host.token}`,
    {
      WebSocket: Socket,
      backoffMs: (attempt) => {
        const ms = Math.min(20 * 2 ** (attempt - 1), 200);
        waits.push(ms);
        return ms;
      },
    },
  );
  const states: LinkState[] = [];
  transport.onState((s) => states.push(s));
  const views: ViewsPayload[] = [];
  transport.on('connection:views', (payload) => views.push(payload));
  try {
    expect(await transport.invoke('list_connections', {})).toEqual([
      { config, status: 'disconnected' },
    ]);
    expect(views.filter((v) => v.full)).toHaveLength(1);

    await proxy.setMode('reset');
    await until('several attempts', () => proxy.connections.length >= 4);
    // A command sent while away waits for the socket.
    const later = transport.invoke('get_connection_status', { connectionId: config.id });
    await proxy.setMode('pass');

    expect(await later).toBe('disconnected');
    await until('a fresh whole set', () => views.filter((v) => v.full).length === 2);
    expect(states[0]).toBe('open');
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');
    // Backoff: each wait doubled, up to its cap, not a tight loop.
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits.slice(0, 3)).toEqual([20, 40, 80]);

    // Errors come back as the TuskError they were.
    const error = await rejection(transport.invoke('retry', { connectionId: randomUUID() }));
    expect(error.kind).toBe('NotConnected');
    // Closed while away: what waits for the socket fails instead of hanging.
    await proxy.setMode('reset');
    await until('away again', () => transport.state() === 'reconnecting');
    const stranded = transport.invoke('list_groups', {});
    transport.close();
    expect((await rejection(stranded)).kind).toBe('ConnectionLost');
    expect((await rejection(transport.invoke('list_groups', {}))).kind).toBe('NotConnected');
  } finally {
    transport.close();
    await proxy.close();
  }
  expect(transport.state()).toBe('closed');
});
