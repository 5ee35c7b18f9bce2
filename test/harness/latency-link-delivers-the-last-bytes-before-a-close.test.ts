import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBurner } from './burner.ts';
import { createLatencyLink, type LatencyLink } from './latency-link.ts';

/*
 * A server that answers and hangs up at once (PgBouncer refusing a startup parameter: an
 * ErrorResponse, then the close) must reach the client with its answer, then the close, on a
 * machine whose timers run late: a link that cut the pair a fixed time after the close dropped
 * the answer now and then, and the client saw only "Connection terminated unexpectedly".
 */
const CONNECTIONS = 200;
const ANSWER = Buffer.from('E the last words before the close');
let server: net.Server;
let link: LatencyLink;
let stopBurner: () => void;

beforeAll(async () => {
  server = net.createServer((socket) => socket.end(ANSWER));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  link = await createLatencyLink({ targetHost: '127.0.0.1', targetPort: port, delayMs: 1 });
  stopBurner = startBurner();
});
afterAll(async () => {
  stopBurner();
  await link.close();
  await new Promise((resolve) => server.close(resolve));
});

/** What one connection received before its close. */
const answerOf = () =>
  new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect({ host: link.host, port: link.port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });

test(`each of ${CONNECTIONS} connections gets the answer sent just before the server closed`, async () => {
  const answers = await Promise.all(Array.from({ length: CONNECTIONS }, answerOf));
  const cut = answers.filter((a) => !a.equals(ANSWER)).length;
  expect(cut).toBe(0);
});
