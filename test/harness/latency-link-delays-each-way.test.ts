import net, { type AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { createLatencyLink, type LatencyLink } from './latency-link.ts';

const DELAY_MS = 20;
let echo: net.Server | undefined;
let link: LatencyLink | undefined;

afterEach(async () => {
  await link?.close();
  await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
});

async function echoLink(delayMs = DELAY_MS) {
  echo = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
  const { port } = echo.address() as AddressInfo;
  link = await createLatencyLink({ targetHost: '127.0.0.1', targetPort: port, delayMs });
  const socket = net.connect({ host: link.host, port: link.port, noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  return { link, socket };
}

/** Resolves when `bytes` more bytes have come back, with the time they took. */
const receive = (socket: net.Socket, bytes: number) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= bytes) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
  });

test('each ping-pong takes at least the round trip, and each counts as one turn', async () => {
  const { link, socket } = await echoLink();
  const t0 = performance.now();
  socket.write('hello');
  await receive(socket, 5);
  // The TCP handshake's round trip, then the first ping's.
  expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * link.rttMs - 1);
  expect(link.turns()).toBe(2);

  link.reset();
  for (let i = 0; i < 5; i++) {
    const sent = performance.now();
    socket.write(`ping ${i}`);
    const back = await receive(socket, 6);
    expect(back.toString()).toBe(`ping ${i}`);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(link.rttMs);
  }
  expect(link.turns()).toBe(5);
  expect(link.connections()).toBe(0);
  socket.destroy();
});

test('a burst of chunks arrives whole and in order, and is one round trip', async () => {
  // Long enough that the whole burst is written before the first echo can come back, even on
  // a loaded machine.
  const { link, socket } = await echoLink(200);
  await new Promise((resolve) => setTimeout(resolve, link.rttMs + 5));
  link.reset();
  const sent: Buffer[] = [];
  for (let i = 0; i < 50; i++) {
    const chunk = Buffer.from(`[${i}]`);
    sent.push(chunk);
    socket.write(chunk);
    // Separate chunks on the way, not one write coalesced by the kernel.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const expected = Buffer.concat(sent);
  const back = await receive(socket, expected.length);
  expect(back.toString()).toBe(expected.toString());
  // Every chunk went up before the first answer came down: one flight each way.
  expect(link.turns()).toBe(1);
  socket.destroy();
});

test('close() ends every socket and frees the port', async () => {
  const { link, socket } = await echoLink();
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.on('error', () => {});
  await Promise.all([link.close(), link.close()]);
  await closed;
  expect(link.openCount()).toBe(0);
  const refused = net.connect({ host: link.host, port: link.port });
  await expect(
    new Promise((resolve, reject) => {
      refused.once('connect', resolve);
      refused.once('error', reject);
    }),
  ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
