import { expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, startHost } from './helpers.ts';

const server = sharedServer();

it('100 clients with 50 requests each in flight: every one answered, to its own client and id', async () => {
  const { host, service } = await startHost();
  const config = configFor(server, { options: { poolMax: 5 } });
  await service.connect(config, { password: server.password });
  const clients = await Promise.all(Array.from({ length: 100 }, () => rawClient(ipcUrl(host))));

  const replies = await Promise.all(
    clients.map((client, c) =>
      Promise.all(
        Array.from({ length: 50 }, (_, r) =>
          r % 2 === 0
            ? client.request('query', {
                connectionId: config.id,
                sql: 'select $1::int as c, $2::int as r',
                params: [c, r],
              })
            : client.request('get_connection_status', { connectionId: config.id }),
        ),
      ),
    ),
  );

  let answered = 0;
  replies.forEach((list, c) => {
    list.forEach((reply, r) => {
      expect(reply.ok, `client ${c} request ${r}`).toBe(true);
      if (!reply.ok) return;
      if (r % 2 === 0) expect((reply.result as { rows: unknown[] }).rows).toEqual([{ c, r }]);
      else expect(reply.result).toBe('connected');
      answered++;
    });
  });
  expect(answered).toBe(5_000);
  await Promise.all(clients.map((c) => c.close()));
});
