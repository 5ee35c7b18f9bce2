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

test('a bare pg.Client connect and one query: five round trips, each named', async () => {
  link.reset();
  const client = new pg.Client({
    host: link.host,
    port: link.port,
    user: server.user,
    password: server.password,
    database: server.database,
    application_name: 'latency-link-trace',
  });
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
