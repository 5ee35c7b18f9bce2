import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { historyDir, newId, rec } from './helpers.ts';

it('remove deletes the current and the rotated file and drops what was queued', async () => {
  const dir = await historyDir();
  const history = await dir.open({ perFile: 2, flushMs: 60_000 });
  const [gone, kept] = [newId(), newId()];
  for (let n = 1; n <= 3; n++) history.record(gone, rec(n));
  history.record(kept, rec(1));
  await history.flush();
  history.record(gone, rec(4));

  await history.remove(gone);
  await history.flush();

  const names = await readdir(dirname(dir.paths(kept).current));
  expect(names).toEqual([`${kept}.jsonl`]);
  expect(await history.read(gone)).toEqual([]);
  expect(history.recent(gone)).toEqual([]);
});

it('at start the files of connections that no longer exist go; the known ones stay', async () => {
  const dir = await historyDir();
  const [adHoc, saved] = [newId(), newId()];
  const first = await dir.open();
  first.record(adHoc, rec(1));
  first.record(saved, rec(1));
  await first.close();

  const second = await dir.open({ known: new Set([saved]) });

  expect(await readdir(dirname(dir.paths(saved).current))).toEqual([`${saved}.jsonl`]);
  expect(second.recent(saved)).toEqual([rec(1)]);
});
