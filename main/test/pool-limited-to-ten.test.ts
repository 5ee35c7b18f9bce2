import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, startService } from './helpers.ts';

const server = sharedServer();

/** Samples the backend count of `applicationName` until `done` settles; returns every count. */
async function sampleBackends(applicationName: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const counts: number[] = [];
  while (!finished) {
    counts.push((await server.backends({ applicationName })).length);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return counts;
}

it('with the default poolMax, 40 concurrent queries never use more than 10 backends', async () => {
  const { service } = await startService();
  const config = configFor(server);
  expect(config.options.poolMax).toBe(10);
  await service.connect(config, { password: server.password });

  const queries = Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      service.query(config.id, 'select pg_sleep(0.3), $1::int as i', [i]),
    ),
  );
  const counts = await sampleBackends(config.options.applicationName, queries);
  const results = await queries;

  expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(Math.max(...counts)).toBe(10);
  expect(counts.length).toBeGreaterThan(10);
});

it('a smaller poolMax is a smaller limit', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { poolMax: 3 } });
  await service.connect(config, { password: server.password });

  const queries = Promise.all(
    Array.from({ length: 12 }, () => service.query(config.id, 'select pg_sleep(0.15)')),
  );
  const counts = await sampleBackends(config.options.applicationName, queries);
  await queries;

  expect(Math.max(...counts)).toBe(3);
});
