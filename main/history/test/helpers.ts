import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { TransitionRecord } from '../../../machines/views.ts';
import { type History, type HistoryOptions, openHistory } from '../history.ts';
import { HISTORY_DIR, historyPaths } from '../history-file.ts';

/** A fresh data directory, removed after the test with every history opened on it closed. */
export async function historyDir() {
  const dataDir = await mkdtemp(join(tmpdir(), 'tusk-history-'));
  const opened: History[] = [];
  onTestFinished(async () => {
    await Promise.all(opened.map((h) => h.close()));
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    paths: (id: string) => historyPaths(join(dataDir, HISTORY_DIR), id),
    async open(options: HistoryOptions = {}) {
      const history = await openHistory(dataDir, options);
      opened.push(history);
      return history;
    },
  };
}

/** The n-th of a run of made-up records, told apart by `at`. */
export const rec = (n: number, patch: Partial<TransitionRecord> = {}): TransitionRecord => ({
  at: 1_000 + n,
  from: 'connected.idle',
  to: 'connected.pinging',
  event: 'xstate.after.keepaliveInterval',
  ...patch,
});

export const newId = () => randomUUID();
