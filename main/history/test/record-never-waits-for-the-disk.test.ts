import { access } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { historyDir, newId, rec } from './helpers.ts';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

it('record returns at once and writes later, a burst of records in one append', async () => {
  const dir = await historyDir();
  const history = await dir.open({ flushMs: 20 });
  const id = newId();
  const told: number[] = [];
  history.onRecord((_, r) => told.push(r.at));

  for (let n = 1; n <= 50; n++) history.record(id, rec(n));

  // Queued and told, in memory; not on disk yet.
  expect(told).toHaveLength(50);
  expect(history.recent(id)).toHaveLength(50);
  expect(await exists(dir.paths(id).current)).toBe(false);
  // Written by the timer, without anyone asking.
  for (let tries = 0; !(await exists(dir.paths(id).current)); tries++) {
    if (tries > 200) throw new Error('the queue was never written');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect((await history.read(id)).map((r) => r.at)).toEqual(told);
});

it('read and list include what is still queued; list leaves out the older records', async () => {
  const dir = await historyDir();
  const history = await dir.open({ flushMs: 60_000 });
  const [a, b] = [newId(), newId()];
  history.record(a, rec(1));
  history.record(a, rec(5, { machine: 'tunnel', from: 'connecting', to: 'open' }));
  history.record(b, rec(2));

  expect(await history.read(a)).toHaveLength(2);
  expect(await history.list(1_003)).toEqual([
    { connectionId: a, records: [rec(5, { machine: 'tunnel', from: 'connecting', to: 'open' })] },
  ]);
  // The view's list is the connection's own; the tunnel's record is in the history only.
  expect(history.recent(a)).toEqual([rec(1)]);
});
