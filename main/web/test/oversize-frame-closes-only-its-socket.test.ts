import { expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../host.ts';
import { ipcUrl, rawClient, startHost } from './helpers.ts';

it('a frame over 1 MiB closes that socket with 1009; another client keeps working', async () => {
  const { host } = await startHost();
  const big = await rawClient(ipcUrl(host));
  const other = await rawClient(ipcUrl(host));
  const closed = new Promise<number>((resolve) =>
    big.socket.once('close', (code) => resolve(code)),
  );

  const padding = 'x'.repeat(MAX_FRAME_BYTES + 1);
  big.socket.send(JSON.stringify({ id: 1, command: 'list_groups', args: {}, padding }));

  expect(await closed).toBe(1009);
  expect(await other.request('list_groups', {})).toMatchObject({ ok: true, result: [] });
  const again = await rawClient(ipcUrl(host));
  expect(await again.request('list_connections', {})).toMatchObject({ ok: true, result: [] });
});
