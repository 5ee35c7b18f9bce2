import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBurner } from '../../test/harness/burner.ts';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer } from '../../test/harness/shared.ts';
import { createMemoryCredentialStore } from '../credentials/index.ts';
import { createConnectionService } from '../service.ts';
import { configFor, delay } from './helpers.ts';

/*
 * deleteConnection() and close() end a connection as disconnect() does: resolved only when no
 * backend of it is left, wherever in its connect they land (the pool's first login, the steps
 * after it, the control client's login behind `connected`), on a machine kept busy.
 */

const server = sharedServer();
let proxy: FaultProxy;
let stopBurner: () => void;
beforeAll(async () => {
  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  stopBurner = startBurner();
});
afterAll(async () => {
  stopBurner();
  await proxy.close();
});

const through = () => configFor({ ...server, host: proxy.host, port: proxy.port });
const backendsOf = async (applicationName: string) =>
  (await server.backends({ applicationName })).length;

async function openService() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tusk-mid-connect-'));
  const service = await createConnectionService({
    dataDir,
    credentials: createMemoryCredentialStore(),
    wakeWatch: false,
  });
  return { service, dispose: () => rm(dataDir, { recursive: true, force: true }) };
}

it('deleteConnection 0–30 ms after connect (resolved or not) leaves no backend, 60 times', async () => {
  const { service, dispose } = await openService();
  const left: string[] = [];
  try {
    for (let i = 0; i < 60; i++) {
      const config = through();
      const connecting = service.connect(config, { password: server.password }).catch(() => null);
      if (i % 2 === 0) await connecting;
      await delay(Math.floor(Math.random() * 31));
      await service.deleteConnection(config.id);
      const n = await backendsOf(config.options.applicationName);
      if (n > 0) left.push(`cycle ${i}: ${n}`);
      await connecting;
    }
  } finally {
    await service.close();
    await dispose();
  }
  expect(left).toEqual([]);
}, 120_000);

it('close() 0–30 ms after connect (resolved or not) leaves no backend, 30 times', async () => {
  const left: string[] = [];
  for (let i = 0; i < 30; i++) {
    const { service, dispose } = await openService();
    const config = through();
    const connecting = service.connect(config, { password: server.password }).catch(() => null);
    if (i % 2 === 0) await connecting;
    await delay(Math.floor(Math.random() * 31));
    await service.close();
    const n = await backendsOf(config.options.applicationName);
    if (n > 0) left.push(`cycle ${i}: ${n}`);
    await connecting;
    await dispose();
  }
  expect(left).toEqual([]);
}, 120_000);
