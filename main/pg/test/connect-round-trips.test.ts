import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { createMemoryCredentialStore } from '../../credentials/index.ts';
import { type ConnectionService, createConnectionService } from '../../service.ts';
import { configFor } from './fixtures.ts';

/*
 * The connect path's round trips, counted on a latency link (not timed): a change that adds
 * one fails here. The protocol's floor for a connect plus one query is 5 (TCP, StartupMessage,
 * two SASL messages, the query; docs/benchmarks.md). Today's counts are pinned as upper
 * bounds; when a change brings them down, lower the bound with it.
 */
const CONNECT_ROUND_TRIPS = 12;
/** Each of the two connections adds SSLRequest → 'S' and the TLS 1.3 handshake. */
const CONNECT_TLS_ROUND_TRIPS = 16;
const CONNECT_CONNECTIONS = 2;
const AFTER_TERMINATE_ROUND_TRIPS = 13;

const server = sharedServer();
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: 5,
});
const viaLink = { ...server, host: link.host, port: link.port };
let service: ConnectionService | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await service?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
afterAll(() => link.close());

async function openService() {
  dataDir = await mkdtemp(join(tmpdir(), 'tusk-round-trips-'));
  service = await createConnectionService({ dataDir, credentials: createMemoryCredentialStore() });
  return service;
}

const report = (what: string) => `${what}:\n${link.formatTrace().join('\n')}`;

test(`connect() to connected takes at most ${CONNECT_ROUND_TRIPS} round trips, and a query after it one`, async () => {
  const service = await openService();
  const config = configFor(viaLink);
  link.reset();
  await service.connect(config, { password: server.password });
  expect(link.turns(), report('connect()')).toBeLessThanOrEqual(CONNECT_ROUND_TRIPS);
  expect(link.connections(), report('connect()')).toBeLessThanOrEqual(CONNECT_CONNECTIONS);

  link.reset();
  await service.query(config.id, 'SELECT 1');
  expect(link.turns(), report('query')).toBe(1);
  expect(link.connections()).toBe(0);
});

test(`connect() over TLS (verify-full) takes at most ${CONNECT_TLS_ROUND_TRIPS} round trips`, async () => {
  const service = await openService();
  const config = configFor(viaLink, { sslMode: 'verify-full', sslCaCert: server.caFile });
  link.reset();
  await service.connect(config, { password: server.password });
  expect(link.trace()[1]?.up[0]?.messages, 'TLS asked for first').toEqual(['SSLRequest']);
  expect(link.turns(), report('connect() over TLS')).toBeLessThanOrEqual(CONNECT_TLS_ROUND_TRIPS);
  expect(link.connections()).toBeLessThanOrEqual(CONNECT_CONNECTIONS);
});

test(`the first successful query after pg_terminate_backend takes at most ${AFTER_TERMINATE_ROUND_TRIPS} round trips`, async () => {
  const service = await openService();
  const config = configFor(viaLink);
  await service.connect(config, { password: server.password });
  link.reset();
  await server.terminate({ applicationName: config.options.applicationName });
  let answered = false;
  // A query written to a backend that is already gone fails (it may have run); the next waits
  // for the reconnect. Bounded: each failed try is one lost connection.
  for (let i = 0; i < 5 && !answered; i++) {
    answered = await service.query(config.id, 'SELECT 1').then(
      () => true,
      () => false,
    );
  }
  expect(answered).toBe(true);
  expect(link.turns(), report('after terminate')).toBeLessThanOrEqual(AFTER_TERMINATE_ROUND_TRIPS);
});
