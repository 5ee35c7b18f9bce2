import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { historyDir, newId, rec } from './helpers.ts';

it('a broken line and a partial last line (a crash mid-append) are skipped, the rest kept', async () => {
  const dir = await historyDir();
  const id = newId();
  const { current } = dir.paths(id);
  await mkdir(dirname(current), { recursive: true });
  await writeFile(
    current,
    [
      JSON.stringify(rec(1)),
      'not json at all',
      JSON.stringify({ at: 'yesterday', from: 1 }),
      JSON.stringify({ ...rec(2, { error: { kind: 'ConnectionLost' } }), secret: 'never' }),
      '{"at":1003,"from":"connected.idle","to":"reconn',
    ].join('\n'),
  );

  const history = await dir.open();
  expect(history.recent(id).map((r) => r.at)).toEqual([1001, 1002]);
  // Only a record's own fields come back, whatever else a line holds.
  expect(history.recent(id)[1]).toEqual(rec(2, { error: { kind: 'ConnectionLost' } }));

  history.record(id, rec(4));
  expect((await history.read(id)).map((r) => r.at)).toEqual([1001, 1002, 1004]);
  // The partial line was cut off, so the new record is a line of its own.
  const text = await readFile(current, 'utf8');
  expect(text.endsWith(`${JSON.stringify(rec(4))}\n`)).toBe(true);
  expect(text).not.toContain('reconn');
});
