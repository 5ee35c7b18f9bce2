import { expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor, startService } from '../../test/helpers.ts';

const server = sharedServer();

it('cancel stops the script at the running statement', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  const { sessionId } = await service.openSession(config.id);
  const running = service.runScript(config.id, 'select 1; select pg_sleep(30); select 2', {
    sessionId,
    onError: 'continue',
  });
  const sleeping = async () =>
    (await server.backends({ applicationName: config.options.applicationName })).some(
      (b) => b.state === 'active' && b.query.includes('pg_sleep'),
    );
  for (let tries = 0; !(await sleeping()); tries++) {
    if (tries > 500) throw new Error('the sleep never ran');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await service.cancel(sessionId);
  const result = await running;
  expect(result.stoppedAt).toBe(1);
  expect(result.steps.map((s) => (s.ok ? 'ok' : s.error.code))).toEqual(['ok', '57014']);
  await service.closeSession(sessionId);
});

it('a cancel that lands between two statements stops the script before the next one', async () => {
  const { service } = await startService();
  const config = configFor(server);
  await service.connect(config, { password: server.password });
  const { sessionId } = await service.openSession(config.id);
  // The script's first statement waits in the session's queue behind this one.
  const before = service.query(config.id, 'select pg_sleep(30)', [], { sessionId }).then(
    () => null,
    (error: { code?: string }) => error.code,
  );
  const sleeping = async () =>
    (await server.backends({ applicationName: config.options.applicationName })).some(
      (b) => b.state === 'active' && b.query.includes('pg_sleep'),
    );
  for (let tries = 0; !(await sleeping()); tries++) {
    if (tries > 500) throw new Error('the sleep never ran');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const running = service.runScript(config.id, 'select 1 as a; select 2 as b; select 3 as c', {
    sessionId,
    onError: 'continue',
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await service.cancel(sessionId);
  expect(await before).toBe('57014');
  const result = await running;
  expect(result.stoppedAt).toBe(1);
  expect(result.steps.map((s) => (s.ok ? s.result.rows : s.error.code))).toEqual([
    [{ a: 1 }],
    '57014',
  ]);
  await service.closeSession(sessionId);
});
