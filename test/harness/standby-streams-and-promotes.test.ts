import { afterAll, beforeAll, expect, it } from 'vitest';
import { type StandbyPair, startStandbyPair } from './standby.ts';

let pair: StandbyPair;
beforeAll(async () => {
  pair = await startStandbyPair();
});
afterAll(() => pair?.dispose());

it('streams the primary’s writes to a hot standby, which promote() makes a primary', async () => {
  const { primary, standby } = pair;
  await primary.admin().query('create table streamed (n int); insert into streamed values (7)');
  const recovery = await standby.admin().query('select pg_is_in_recovery() as r');
  expect(recovery.rows[0].r).toBe(true);
  const deadline = Date.now() + 10_000;
  let rows: { n: number }[] = [];
  while (Date.now() < deadline) {
    rows = (
      await standby
        .admin()
        .query('select n from streamed')
        .catch(() => ({ rows: [] }))
    ).rows;
    if (rows.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(rows).toEqual([{ n: 7 }]);
  await expect(standby.admin().query('insert into streamed values (8)')).rejects.toMatchObject({
    code: '25006',
  });
  await standby.promote();
  expect((await standby.admin().query('select pg_is_in_recovery() as r')).rows[0].r).toBe(false);
  await standby.admin().query('insert into streamed values (8)');
});
