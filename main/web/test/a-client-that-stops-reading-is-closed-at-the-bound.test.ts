import type { Socket } from 'node:net';
import { expect, it } from 'vitest';
import type { ViewsPayload } from '../../../machines/views.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { CLOSE_TOO_SLOW, MAX_UNSENT_BYTES } from '../client.ts';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();
const MiB = 1024 * 1024;
/** Room for the frames in flight, the other client's and the heap's own noise. */
const MARGIN = 16 * MiB;

it('a client that stops reading is closed at the bound; another keeps getting views; memory stays bounded', async () => {
  const { host, service } = await startHost();
  for (let i = 0; i < 40; i++)
    await service.saveConnection(configFor(server, { name: `slow ${i}` }));
  const fast = await rawClient(ipcUrl(host));
  const slow = await rawClient(ipcUrl(host));
  const size = JSON.stringify(await slow.request('get_views')).length;
  // Far more than the bound plus what the kernel's socket buffers take on the way.
  const asks = Math.ceil((6 * MAX_UNSENT_BYTES) / size);

  const closed = new Promise<number>((resolve) =>
    slow.socket.once('close', (code) => resolve(code)),
  );
  const raw = (slow.socket as unknown as { _socket: Socket })._socket;
  raw.pause();
  const base = process.memoryUsage();
  const held = () => {
    const now = process.memoryUsage();
    return now.external + now.heapUsed - (base.external + base.heapUsed);
  };
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, held());
  }, 5);
  for (let id = 1000; id < 1000 + asks; id++) {
    slow.socket.send(JSON.stringify({ id, command: 'get_views' }));
  }
  // Every ask answered by the host (sent, or dropped once over the bound): its queue stops.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  clearInterval(sampler);
  peak = Math.max(peak, held());
  console.log(
    `${asks} asks of ${Math.round(size / 1024)} KiB: peak held ${Math.round(peak / MiB)} MiB (bound ${MAX_UNSENT_BYTES / MiB} MiB + ${MARGIN / MiB} MiB margin)`,
  );
  expect(peak).toBeLessThan(MAX_UNSENT_BYTES + MARGIN);

  // The other client is untouched: a change reaches it.
  const seen = fast.events('connection:views').length;
  const renamed = configFor(server, { name: 'still watched' });
  await service.saveConnection(renamed);
  await until('the change reached the reading client', () =>
    (fast.events('connection:views') as ViewsPayload[])
      .slice(seen)
      .some((p) => !p.full && p.changed.some((v) => v.id === renamed.id)),
  );

  // Reading again, the slow client finds the close behind what was queued: reconnect.
  raw.resume();
  expect(await closed).toBe(CLOSE_TOO_SLOW);
}, 60_000);
