import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { createLatencyLink } from './latency-link.ts';
import { sharedServer } from './shared.ts';

const server = sharedServer();
const link = await createLatencyLink({
  targetHost: server.host,
  targetPort: server.port,
  delayMs: 5,
});
afterAll(() => link.close());

const newClient = (via = link) =>
  new pg.Client({
    host: via.host,
    port: via.port,
    user: server.user,
    password: server.password,
    database: server.database,
    application_name: 'latency-link-trace',
  });

test('a bare pg.Client connect and one query: five round trips, each named', async () => {
  link.reset();
  const client = newClient();
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
  const trace = link.formatTrace();

  expect(link.turns(), trace.join('\n')).toBe(5);
  expect(trace[0]).toBe('RTT 1: TCP SYN → TCP SYN-ACK');
  expect(trace[1]).toBe('RTT 2: StartupMessage → AuthenticationSASL');
  expect(trace[2]).toBe('RTT 3: SASLInitialResponse → AuthenticationSASLContinue');
  expect(trace[3]).toMatch(
    /^RTT 4: SASLResponse → AuthenticationSASLFinal, AuthenticationOk, ParameterStatus×\d+, BackendKeyData, ReadyForQuery$/,
  );
  expect(trace[4]).toBe(
    'RTT 5: Query(SELECT 1) → RowDescription, DataRow, CommandComplete, ReadyForQuery',
  );
  // The Terminate that end() sends is answered by nothing.
  expect(trace.slice(5)).toEqual(['one way: Terminate → (nothing)']);
});

test('two clients connecting at once share their round trips: five, not ten', async () => {
  // 25 ms each way: one client's answer cannot reach it before the other has spoken, even when
  // the machine is busy.
  const slow = await createLatencyLink({
    targetHost: server.host,
    targetPort: server.port,
    delayMs: 25,
  });
  try {
    const clients = [newClient(slow), newClient(slow)];
    await Promise.all(clients.map(async (c) => c.connect().then(() => c.query('SELECT 1'))));
    await Promise.all(clients.map((c) => c.end()));
    const trace = slow.formatTrace();

    expect(slow.connections()).toBe(2);
    expect(slow.turns(), trace.join('\n')).toBe(5);
    const startup = slow.trace()[1]!;
    expect(startup.up.map((f) => f.messages)).toEqual([['StartupMessage'], ['StartupMessage']]);
    expect(startup.down.map((f) => f.messages)).toEqual([
      ['AuthenticationSASL'],
      ['AuthenticationSASL'],
    ]);
  } finally {
    await slow.close();
  }
});
