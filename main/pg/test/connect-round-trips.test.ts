import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { createLatencyLink } from '../../../test/harness/latency-link.ts';
import { sharedServer } from '../../../test/harness/shared.ts';
import { createMemoryCredentialStore } from '../../credentials/index.ts';
import { type ConnectionService, createConnectionService } from '../../service.ts';
import { configFor, delay } from './fixtures.ts';

/*
 * The connect path's round trips, counted on a latency link (not timed): a change that adds
 * one fails here. The protocol's floor for a connect plus one query is 5 (TCP, StartupMessage,
 * two SASL messages, the query; docs/benchmarks.md), and connect() is at it: one connection,
 * whose verify query carries SHOW and the server info. Today's counts are pinned as upper
 * bounds; when a change brings them down, lower the bound with it.
 */
const CONNECT_ROUND_TRIPS = 5;
/** SSLRequest → 'S' and the TLS 1.3 handshake's two. */
const CONNECT_TLS_ROUND_TRIPS = 7;
/** Direct TLS (PostgreSQL 17+) starts the handshake at once: no SSLRequest round trip. */
const CONNECT_DIRECT_TLS_ROUND_TRIPS = 6;
/**
 * Logins before `connected`: the first connection's only. (The control client's TCP handshake
 * may already have begun when connect() resolves; it logs in behind `connected`.)
 */
const CONNECT_LOGINS = 1;
/**
 * The control client opens behind `connected`, once the first connection is verified: its TCP
 * handshake travels with nothing, its startup, SASL and verify after (5 more, none shared).
 */
const WITH_CONTROL_ROUND_TRIPS = 10;
/** The reconnect's connect (5) and the query; the terminated backends' errors come one way. */
const AFTER_TERMINATE_ROUND_TRIPS = 6;
/** Long enough that the event loop's own delays on a busy machine stay well under one RTT. */
const DELAY_MS = 20;

const server = sharedServer();
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: DELAY_MS,
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
  // The last test's connections are gone from the link too, so none of their closing bytes
  // lands in this test's trace.
  for (let i = 0; i < 200 && link.openCount() > 0; i++) await delay(10);
  dataDir = await mkdtemp(join(tmpdir(), 'tusk-round-trips-'));
  service = await createConnectionService({ dataDir, credentials: createMemoryCredentialStore() });
  return service;
}

/** StartupMessages sent since the last reset (plain text only: TLS hides them). */
const logins = () =>
  link
    .trace()
    .flatMap((trip) => trip.up.flatMap((up) => up.messages))
    .filter((m) => m === 'StartupMessage').length;

const report = (what: string) => `${what}:\n${link.formatTrace().join('\n')}`;

/** Until the control client, opened behind `connected`, is idle on the server and its answer here. */
async function untilControlOpen(applicationName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const backends = await server.backends({ applicationName });
    if (backends.length === 2 && backends.every((b) => b.state === 'idle')) {
      await delay(4 * DELAY_MS);
      return;
    }
    await delay(10);
  }
  throw new Error('the control client did not open');
}

test(`connect() to connected takes at most ${CONNECT_ROUND_TRIPS} round trips, and a query after it one`, async () => {
  const service = await openService();
  const config = configFor(viaLink);
  link.reset();
  await service.connect(config, { password: server.password });
  expect(link.turns(), report('connect()')).toBeLessThanOrEqual(CONNECT_ROUND_TRIPS);
  expect(logins(), report('connect()')).toBeLessThanOrEqual(CONNECT_LOGINS);
  await untilControlOpen(config.options.applicationName);
  expect(link.turns(), report('connect() and the control client')).toBeLessThanOrEqual(
    WITH_CONTROL_ROUND_TRIPS,
  );
  expect(link.connections()).toBe(2);

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
  expect(link.connections()).toBeLessThanOrEqual(CONNECT_LOGINS + 1);
});

test(`connect() over direct TLS takes at most ${CONNECT_DIRECT_TLS_ROUND_TRIPS} round trips`, async () => {
  const service = await openService();
  const config = configFor(viaLink, {
    sslMode: 'verify-full',
    sslCaCert: server.caFile,
    sslNegotiation: 'direct',
  });
  link.reset();
  await service.connect(config, { password: server.password });
  const sent = link.trace().flatMap((trip) => trip.up.flatMap((flight) => flight.messages));
  expect(sent.slice(0, 2), 'the TLS handshake at once').toEqual(['TCP SYN', 'TLS handshake']);
  expect(sent).not.toContain('SSLRequest');
  expect(link.turns(), report('connect() over direct TLS')).toBeLessThanOrEqual(
    CONNECT_DIRECT_TLS_ROUND_TRIPS,
  );
  expect(link.connections()).toBeLessThanOrEqual(CONNECT_LOGINS + 1);
});

test(`the first successful query after pg_terminate_backend takes at most ${AFTER_TERMINATE_ROUND_TRIPS} round trips`, async () => {
  const service = await openService();
  const config = configFor(viaLink);
  await service.connect(config, { password: server.password });
  await untilControlOpen(config.options.applicationName);
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
