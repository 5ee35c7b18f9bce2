import { beforeAll, describe, expect, it } from 'vitest';
import { bouncerModes, poolerPerFile } from '../../pooler/test/helpers.ts';
import { startService } from '../../test/helpers.ts';
import { escapes, liftProcedure, tryEveryEscape } from './escapes.ts';

describe.each(bouncerModes)('no SQL lifts read-only through PgBouncer, %s pooling', (mode) => {
  const fx = poolerPerFile(mode);
  beforeAll(async () => {
    const direct = await fx.direct();
    await direct.query('create table t (x int)');
    await direct.query(liftProcedure('t', 'lift'));
  });
  const rows = async () =>
    (await (await fx.direct()).query('select count(*)::int as n from t')).rows[0].n as number;

  it('every escape, as one call and as a session, writes nothing', async () => {
    const { service } = await startService();
    const config = fx.config({ options: { readonly: true, poolMax: 4 } });
    await service.connect(config, { password: fx.password });
    await tryEveryEscape(service, config.id, escapes('t', 'lift'), rows);
    expect(await rows()).toBe(0);
  });
});
