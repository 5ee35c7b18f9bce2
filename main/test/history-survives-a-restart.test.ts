import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { HISTORY_DIR } from '../history/index.ts';
import { serviceViews } from '../views/index.ts';
import { configFor, recordStatuses, startService, untilStatuses } from './helpers.ts';

const server = sharedServer();

it('the transitions of a connection survive a restart: its history and its view start from them', async () => {
  const { service, reopen } = await startService();
  const config = configFor(server, { passwordInKeyring: true });
  await service.saveConnection(config, server.password);
  await service.connect(config);
  const statuses = recordStatuses(service);
  await server.terminate({ applicationName: config.options.applicationName });
  await untilStatuses(statuses, config.id, ['reconnecting', 'connected']);
  const before = await service.getHistory(config.id);
  await service.close();

  const restarted = await reopen();

  const after = await restarted.getHistory(config.id);
  // What was there before the close, then the close's own disconnect.
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after.slice(before.length).map((r) => r.to)).toEqual([
    'disconnected.closing',
    'disconnected.closed',
  ]);
  expect(after.map((r) => r.to.split('.')[0])).toEqual(
    expect.arrayContaining(['connecting', 'connected', 'reconnecting']),
  );
  expect(after.find((r) => r.to.startsWith('reconnecting'))?.error?.kind).toBe('ConnectionLost');
  const views = serviceViews(restarted);
  expect(views.get(config.id)?.transitions).toEqual(after);
  expect((await restarted.listHistory(0)).map((h) => h.connectionId)).toEqual([config.id]);
  views.stop();
});

it('deleting a connection deletes its history, on disk and after a restart', async () => {
  const { service, dataDir, reopen } = await startService();
  const config = configFor(server, { passwordInKeyring: true });
  await service.saveConnection(config, server.password);
  await service.connect(config);
  await service.history.flush();
  expect(await readdir(join(dataDir, HISTORY_DIR))).toEqual([`${config.id}.jsonl`]);

  await service.deleteConnection(config.id);

  expect(await readdir(join(dataDir, HISTORY_DIR))).toEqual([]);
  expect(await service.getHistory(config.id)).toEqual([]);
  await service.close();
  const restarted = await reopen();
  expect(await restarted.listHistory(0)).toEqual([]);
});
