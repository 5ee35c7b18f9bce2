import { expect, it } from 'vitest';
import type { ViewsPayload } from '../../../machines/views.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

const server = sharedServer();
const TERMINATES = 20;

/*
 * On loopback the reconnect after pg_terminate_backend often takes less than the view stream's
 * frame (7 to 100 ms measured, the first attempt going at once): coalesced per frame alone, the
 * page would never see that connection's `reconnecting`. Every status must reach it.
 */
it(`each of ${TERMINATES} terminates shows on the socket as reconnecting, then connected`, async () => {
  const { host, service } = await startHost();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  const client = await rawClient(ipcUrl(host));
  const statuses = () =>
    (client.events('connection:views') as ViewsPayload[]).flatMap((p) =>
      (p.full ? p.views : p.changed).filter((v) => v.id === config.id).map((v) => v.status),
    );
  await until('the whole set', () => statuses().length === 1);

  const drops = (seen: string[]) =>
    seen.filter((s, i) => s === 'reconnecting' && seen[i - 1] === 'connected').length;
  let reconnects = 0;
  for (let i = 1; i <= TERMINATES; i++) {
    const done = new Promise<void>((resolve) => {
      const off = service.onStatus((e) => {
        if (e.connectionId !== config.id || e.status !== 'connected') return;
        off();
        resolve();
      });
    });
    await server.terminate({ applicationName: config.options.applicationName });
    await done;
    reconnects++;
    await until(`terminate ${i} on the socket`, () => statuses().at(-1) === 'connected');
  }

  expect(reconnects).toBe(TERMINATES);
  expect(drops(statuses())).toBe(TERMINATES);
  expect(statuses().filter((s) => s !== 'connected' && s !== 'reconnecting')).toEqual([]);
});
