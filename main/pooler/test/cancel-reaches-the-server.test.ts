import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../pg/test/fixtures.ts';
import { rejection, startService } from '../../test/helpers.ts';
import { bouncerModes, poolerPerFile, running } from './helpers.ts';

const REPETITIONS = 30;

const summary = (label: string, ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  // Recorded for the report, not asserted: timing goals are not test assertions here.
  console.info(
    `${label}: n=${ms.length} median=${median.toFixed(0)} ms max=${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
  );
};

describe.each(bouncerModes)('cancel and disconnect through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);

  it(`cancel stops a running pg_sleep on the server, ${REPETITIONS} times, and the pooler keeps serving`, async () => {
    const { service } = await startService();
    const config = fx.config({ options: { poolMax: 4 } });
    await service.connect(config, { password: fx.password });
    const { sessionId } = await service.openSession(config.id);
    const bystander = await fx.client();
    const times: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      const marker = `tusk_cancel_${randomBytes(4).toString('hex')}`;
      const sleeping = rejection(
        service.query(config.id, `select pg_sleep(30) /* ${marker} */`, [], { sessionId }),
      );
      await eventually(async () => (await running(fx, marker)) === 1);
      const started = performance.now();
      await service.cancel(sessionId);
      expect((await sleeping).code).toBe('57014');
      times.push(performance.now() - started);
      await eventually(async () => (await running(fx, marker)) === 0, 2_000);
      expect(fx.bouncer.alive()).toBe(true);
      expect((await bystander.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    }
    // The session is still good for more work after all those cancels.
    expect((await service.query(config.id, 'select 2 as two', [], { sessionId })).rows).toEqual([
      { two: 2 },
    ]);
    expect(await fx.bouncer.serving(fx.user, fx.database)).toBe(true);
    summary(`cancel via PgBouncer (${mode})`, times);
  });

  it(`disconnect stops a running pg_sleep on the server, ${REPETITIONS} times, and the pooler keeps serving`, async () => {
    const { service } = await startService();
    const bystander = await fx.client();
    const times: number[] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      const config = fx.config({ options: { poolMax: 3 } });
      await service.connect(config, { password: fx.password });
      const marker = `tusk_disconnect_${randomBytes(4).toString('hex')}`;
      const sleeping = rejection(service.query(config.id, `select pg_sleep(30) /* ${marker} */`));
      await eventually(async () => (await running(fx, marker)) === 1);
      const started = performance.now();
      await service.disconnect(config.id);
      times.push(performance.now() - started);
      expect((await sleeping).kind).toMatch(/QueryFailed|ConnectionLost/);
      await eventually(async () => (await running(fx, marker)) === 0, 2_000);
      expect(fx.bouncer.alive()).toBe(true);
      expect((await bystander.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    }
    expect(await fx.bouncer.serving(fx.user, fx.database)).toBe(true);
    summary(`disconnect via PgBouncer (${mode})`, times);
  });
});
