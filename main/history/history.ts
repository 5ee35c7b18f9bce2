import { appendFile, mkdir, readdir, readFile, rename, truncate, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ConnectionHistory } from '../../machines/ipc.ts';
import { TRANSITION_HISTORY, type TransitionRecord } from '../../machines/views.ts';
import { errorCode } from '../storage/atomic-file.ts';
import { Ring } from '../views/ring.ts';
import {
  connectionOfFile,
  HISTORY_DIR,
  historyPaths,
  PER_FILE,
  parseHistory,
  serialiseRecords,
} from './history-file.ts';

export interface HistoryOptions {
  /** Records per file before it rotates (history-file.ts). */
  perFile?: number;
  /** How long a record waits for others to share its write. */
  flushMs?: number;
  /** The connections that exist; the files of any other (an ad hoc one of an earlier run) go. */
  known?: ReadonlySet<string>;
  /** Told once when a write fails; the records of that batch are lost, the app goes on. */
  onWriteError?: (error: unknown) => void;
}

/** Records per connection per write are few: a batch is the transitions of one short window. */
export const FLUSH_MS = 50;

/**
 * Each connection's transitions, durable: kept in `<dataDir>/history/` (history-file.ts) and
 * read back when the service starts. `record` only queues: the actor's step never waits on the
 * disk; the queue is written in one append per connection a few ms later, one batch at a time.
 */
export interface History {
  /** Queues a record of a connection (or of its tunnel); returns at once. */
  record(connectionId: string, record: TransitionRecord): void;
  /** The last connection records (not the tunnel's), as loaded and recorded since: a view's. */
  recent(connectionId: string): TransitionRecord[];
  /** Told of every record as it is queued. */
  onRecord(listener: (connectionId: string, record: TransitionRecord) => void): () => void;
  /** Everything of a connection on disk and queued, oldest first; from `since` (epoch ms) on. */
  read(connectionId: string, since?: number): Promise<TransitionRecord[]>;
  /** Every connection with records from `since` on. */
  list(since: number): Promise<ConnectionHistory[]>;
  /** Forgets a connection: its queue and both of its files. */
  remove(connectionId: string): Promise<void>;
  /** Resolves when everything queued so far is on disk. */
  flush(): Promise<void>;
  /** Writes what is queued; later records are dropped. */
  close(): Promise<void>;
}

export async function openHistory(dataDir: string, options: HistoryOptions = {}): Promise<History> {
  const dir = join(resolve(dataDir), HISTORY_DIR);
  const perFile = options.perFile ?? PER_FILE;
  const flushMs = options.flushMs ?? FLUSH_MS;
  await mkdir(dir, { recursive: true, mode: 0o700 });

  /** Lines in each connection's current file, so rotation needs no read. */
  const lines = new Map<string, number>();
  const recentOf = new Map<string, Ring<TransitionRecord>>();
  let pending = new Map<string, TransitionRecord[]>();
  const listeners = new Set<(connectionId: string, record: TransitionRecord) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  let warned = false;

  const ringOf = (id: string) => {
    let ring = recentOf.get(id);
    if (!ring) {
      ring = new Ring(TRANSITION_HISTORY);
      recentOf.set(id, ring);
    }
    return ring;
  };

  for (const id of await connectionsWithFiles(dir)) {
    const paths = historyPaths(dir, id);
    if (options.known && !options.known.has(id)) {
      await removeFiles(paths);
      continue;
    }
    const [previous, current] = await Promise.all([
      readText(paths.previous),
      readText(paths.current),
    ]);
    const old = parseHistory(previous);
    const now = parseHistory(current);
    if (now.wholeBytes < Buffer.byteLength(current, 'utf8')) {
      await truncate(paths.current, now.wholeBytes);
    }
    lines.set(id, now.lines);
    const ring = ringOf(id);
    for (const r of [...old.records, ...now.records]) if (r.machine !== 'tunnel') ring.push(r);
  }

  const writeBatch = async (batch: Map<string, TransitionRecord[]>) => {
    for (const [id, records] of batch) {
      const paths = historyPaths(dir, id);
      let rest = records;
      while (rest.length > 0) {
        let count = lines.get(id) ?? 0;
        if (count >= perFile) {
          await rename(paths.current, paths.previous);
          count = 0;
        }
        const chunk = rest.slice(0, perFile - count);
        rest = rest.slice(chunk.length);
        await appendFile(paths.current, serialiseRecords(chunk), { mode: 0o600 });
        lines.set(id, count + chunk.length);
      }
    }
  };

  /** Runs after everything queued on the chain before it; a failure does not stop the chain. */
  const inTurn = (task: () => Promise<void>) => {
    const run = chain.then(task);
    chain = run.catch((error: unknown) => {
      if (!warned) options.onWriteError?.(error);
      warned = true;
    });
    return chain;
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.size > 0) {
      const batch = pending;
      pending = new Map();
      return inTurn(() => writeBatch(batch));
    }
    return chain;
  };

  const read = async (id: string, since?: number) => {
    await flush();
    const paths = historyPaths(dir, id);
    const texts = await Promise.all([readText(paths.previous), readText(paths.current)]);
    const records = texts.flatMap((text) => parseHistory(text).records);
    return since === undefined ? records : records.filter((r) => r.at >= since);
  };

  return {
    record(id, record) {
      if (closed) return;
      const queue = pending.get(id);
      if (queue) queue.push(record);
      else pending.set(id, [record]);
      if (record.machine !== 'tunnel') ringOf(id).push(record);
      for (const listener of listeners) listener(id, record);
      timer ??= setTimeout(flush, flushMs);
      timer.unref?.();
    },
    recent: (id) => recentOf.get(id)?.toArray() ?? [],
    onRecord(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    read,
    async list(since) {
      await flush();
      const out: ConnectionHistory[] = [];
      for (const id of lines.keys()) {
        const records = await read(id, since);
        if (records.length > 0) out.push({ connectionId: id, records });
      }
      return out;
    },
    async remove(id) {
      pending.delete(id);
      recentOf.delete(id);
      await inTurn(async () => {
        lines.delete(id);
        await removeFiles(historyPaths(dir, id));
      });
    },
    flush: () => flush(),
    async close() {
      await flush();
      closed = true;
      listeners.clear();
    },
  };
}

async function connectionsWithFiles(dir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const name of await readdir(dir)) {
    const id = connectionOfFile(name);
    if (id) ids.add(id);
  }
  return ids;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return '';
    throw error;
  }
}

async function removeFiles(paths: { current: string; previous: string }) {
  for (const path of [paths.current, paths.previous]) {
    await unlink(path).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
  }
}
