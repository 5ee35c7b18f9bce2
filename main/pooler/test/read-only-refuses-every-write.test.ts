import { beforeAll, describe, expect, it } from 'vitest';
import type { TuskError } from '../../../machines/errors.ts';
import type { PoolMode } from '../../../test/harness/pgbouncer.ts';
import { actorOf, rejection, startService } from '../../test/helpers.ts';
import { poolerPerFile } from './helpers.ts';

describe.each([
  { mode: 'session', settings: {} },
  { mode: 'transaction', settings: {} },
  { mode: 'transaction', settings: { ignore_startup_parameters: 'options' } },
] as { mode: PoolMode; settings: Record<string, string> }[])(
  'read-only through PgBouncer, $mode pooling $settings',
  ({ mode, settings }) => {
    const fx = poolerPerFile(mode, settings);
    beforeAll(async () => {
      const direct = await fx.direct();
      await direct.query('create table t (x int)');
    });

    const rows = async () => {
      const direct = await fx.direct();
      return (await direct.query('select count(*)::int as n from t')).rows[0].n as number;
    };

    it('refuses 20 concurrent INSERTs while another client holds a second server backend', async () => {
      const { service } = await startService();
      const config = fx.config({ options: { readonly: true, poolMax: 10 } });
      await service.connect(config, { password: fx.password });
      // In transaction pooling this pins one server backend to another client, so ours get
      // handed different ones: a check made once per client socket would prove nothing.
      const other = await fx.client();
      await other.query('begin');
      await other.query('select 1');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          service.query(config.id, `insert into t values (${i})`),
        ),
      );
      await other.query('rollback');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(0);
      const codes = results.map((r) => ((r as PromiseRejectedResult).reason as TuskError).code);
      expect(new Set(codes)).toEqual(new Set(['25006']));
      expect(await rows()).toBe(0);
    });

    it('refuses writes that try to step outside the read-only transaction', async () => {
      const { service } = await startService();
      const config = fx.config({ options: { readonly: true, poolMax: 4 } });
      await service.connect(config, { password: fx.password });
      const stepOut = await rejection(service.query(config.id, 'commit; insert into t values (1)'));
      expect(stepOut).toMatchObject({ kind: 'QueryFailed', code: '25006' });
      for (const lift of [
        'set default_transaction_read_only = off',
        'set session characteristics as transaction read write',
      ]) {
        expect((await rejection(service.query(config.id, lift))).code).toBe('25006');
      }
      for (let i = 0; i < 5; i++) {
        expect((await rejection(service.query(config.id, 'insert into t values (2)'))).code).toBe(
          '25006',
        );
      }
      const { sessionId } = await service.openSession(config.id);
      const readWrite = await rejection(
        service.query(config.id, 'begin read write', [], { sessionId }),
      );
      expect(readWrite.code).toBe('25006');
      await service.query(config.id, 'begin', [], { sessionId });
      const inside = await rejection(
        service.query(config.id, 'insert into t values (3)', [], { sessionId }),
      );
      expect(inside.code).toBe('25006');
      await service.closeSession(sessionId);
      expect(await rows()).toBe(0);
    });

    it('reads, and a read-only transaction in a session, still work', async () => {
      const { service } = await startService();
      const config = fx.config({ options: { readonly: true, poolMax: 4 } });
      await service.connect(config, { password: fx.password });
      // What the UI shows is what every statement runs with, not the control backend's default.
      expect(actorOf(service, config.id)?.getSnapshot().context.session?.readonly).toBe(true);
      const read = await service.query(
        config.id,
        'select count(*)::int as n from t where x > $1',
        [-1],
      );
      expect(read.rows).toEqual([{ n: 0 }]);
      const { sessionId } = await service.openSession(config.id);
      await service.query(config.id, 'begin', [], { sessionId });
      const inTransaction = await service.query(
        config.id,
        "select current_setting('transaction_read_only') as ro",
        [],
        { sessionId },
      );
      expect(inTransaction.rows).toEqual([{ ro: 'on' }]);
      expect(service.sessionsOf(config.id)).toMatchObject([
        { sessionId, transaction: 'in-transaction', statePersists: false },
      ]);
      await service.query(config.id, 'commit', [], { sessionId });
      expect(service.sessionsOf(config.id)).toMatchObject([{ sessionId, transaction: 'idle' }]);
    });
  },
);
