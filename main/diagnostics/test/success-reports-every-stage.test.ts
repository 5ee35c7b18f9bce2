import { expect, test } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runConnectionTest } from '../test-connection.ts';
import { configFor, watchLeaks } from './helpers.ts';

const server = sharedServer();

test('a reachable server passes every stage, with version, start time and total latency', async () => {
  const config = configFor(server);
  const checkLeaks = await watchLeaks(server, config.options.applicationName);
  const before = Date.now();

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ backendsGoneWithinMs: 0 });
  expect(result.success).toBe(true);
  expect(result.stages.map((s) => [s.name, s.ok])).toEqual([
    ['dns', true],
    ['tcp', true],
    ['tls', true],
    ['auth', true],
    ['server', true],
  ]);
  expect(result.stages.every((s) => s.error === undefined && s.hint === undefined)).toBe(true);
  expect(result.stages[0]?.detail).toBe('IP address');
  expect(result.stages[1]?.detail).toBe(`127.0.0.1:${server.port}`);
  // prefer encrypts without verifying, as libpq does.
  expect(result.stages[2]?.detail).toMatch(/^TLSv1\.[23], .+; not verified \(sslMode prefer\)$/);
  expect(result.version).toMatch(/^PostgreSQL 18\.\d+/);
  expect(result.stages[4]?.detail).toBe(result.version);
  const startedAt = Date.parse(result.startedAt ?? '');
  expect(new Date(startedAt).toISOString()).toBe(result.startedAt);
  expect(startedAt).toBeLessThanOrEqual(before);

  const sum = result.stages.reduce((total, s) => total + s.ms, 0);
  expect(result.latencyMs).toBeGreaterThanOrEqual(sum - 0.5);
  expect(result.latencyMs).toBeLessThanOrEqual(sum + 25);
  expect(JSON.stringify(result)).not.toContain(server.password);
});

test('with sslMode disable the tls stage is ok and says so, and the session is plain text', async () => {
  const config = configFor(server, { sslMode: 'disable' });
  const checkLeaks = await watchLeaks(server, config.options.applicationName);

  const result = await runConnectionTest(config, server.password);

  await checkLeaks({ backendsGoneWithinMs: 0 });
  expect(result.success).toBe(true);
  expect(result.stages[2]).toMatchObject({
    name: 'tls',
    ok: true,
    detail: 'TLS disabled (sslMode disable)',
  });
  expect(result.stages[4]?.detail).toBe(`${result.version} (not encrypted)`);
});
