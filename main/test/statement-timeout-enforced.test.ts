import { expect, it } from 'vitest';
import { sharedServer } from '../../test/harness/shared.ts';
import { configFor, recordStatuses, rejection, startService } from './helpers.ts';

const server = sharedServer();

it('a query longer than statementTimeoutMs is cancelled by the server with 57014; the connection stays up', async () => {
  const { service } = await startService();
  const events = recordStatuses(service);
  const config = configFor(server, { options: { statementTimeoutMs: 200 } });
  await service.connect(config, { password: server.password });

  const started = performance.now();
  const error = await rejection(service.query(config.id, 'select pg_sleep(3)'));
  const elapsed = performance.now() - started;

  expect(error).toMatchObject({ kind: 'QueryFailed', code: '57014' });
  expect(error.message).toMatch(/statement timeout/);
  expect(elapsed).toBeGreaterThanOrEqual(150);
  expect(elapsed).toBeLessThan(1_500);
  await expect(service.query(config.id, 'select pg_sleep(0.05), 1 as one')).resolves.toMatchObject({
    rows: [{ one: 1 }],
  });
  expect(events.map((e) => e.status)).toEqual(['connecting', 'connected']);
});

it('applies the timeout on every pooled connection', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { statementTimeoutMs: 300, poolMax: 4 } });
  await service.connect(config, { password: server.password });

  const outcomes = await Promise.all(
    Array.from({ length: 6 }, () => rejection(service.query(config.id, 'select pg_sleep(2)'))),
  );
  const settings = await Promise.all(
    Array.from({ length: 6 }, () =>
      service.query(config.id, "select current_setting('statement_timeout') as t, pg_sleep(0.1)"),
    ),
  );

  expect(outcomes.map((e) => e.code)).toEqual(Array(6).fill('57014'));
  expect(settings.map((r) => r.rows[0]!.t)).toEqual(Array(6).fill('300ms'));
});

it('without statementTimeoutMs a long query is not cut short by the client', async () => {
  const { service } = await startService();
  const config = configFor(server, { options: { connectTimeoutSec: 1 } });
  await service.connect(config, { password: server.password });

  // Longer than connectTimeoutSec: no client-side deadline may apply to a running query.
  await expect(service.query(config.id, 'select pg_sleep(1.3), 1 as one')).resolves.toMatchObject({
    rows: [{ one: 1 }],
  });
});
