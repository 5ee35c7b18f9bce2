import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { parseHistory } from '../history-file.ts';
import { historyDir, newId, rec } from './helpers.ts';

const lines = async (path: string) => parseHistory(await readFile(path, 'utf8')).records;

it('past perFile records the file rotates; two files at most, the newest records kept', async () => {
  const dir = await historyDir();
  const history = await dir.open({ perFile: 5 });
  const id = newId();

  for (let n = 1; n <= 12; n++) history.record(id, rec(n));
  await history.flush();

  const { current, previous } = dir.paths(id);
  expect((await lines(previous)).map((r) => r.at)).toEqual([1006, 1007, 1008, 1009, 1010]);
  expect((await lines(current)).map((r) => r.at)).toEqual([1011, 1012]);
  expect((await history.read(id)).map((r) => r.at)).toEqual([
    1006, 1007, 1008, 1009, 1010, 1011, 1012,
  ]);
});

it('after a restart the count goes on from the file: the next rotation comes on time', async () => {
  const dir = await historyDir();
  const id = newId();
  const first = await dir.open({ perFile: 5 });
  for (let n = 1; n <= 4; n++) first.record(id, rec(n));
  await first.close();

  const second = await dir.open({ perFile: 5 });
  for (let n = 5; n <= 7; n++) second.record(id, rec(n));
  await second.flush();

  const { current, previous } = dir.paths(id);
  expect((await lines(previous)).map((r) => r.at)).toEqual([1001, 1002, 1003, 1004, 1005]);
  expect((await lines(current)).map((r) => r.at)).toEqual([1006, 1007]);
});
