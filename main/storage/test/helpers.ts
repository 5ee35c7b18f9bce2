import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import {
  type ConnectionConfig,
  type ConnectionGroup,
  validate,
  validateGroup,
} from '../../../machines/config.ts';
import { TuskError } from '../../../machines/errors.ts';

/** A data directory that does not exist yet, inside a temp dir removed after the test. */
export async function freshDataDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tusk-store-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  return join(root, 'data');
}

export const connection = (patch: Record<string, unknown> = {}): ConnectionConfig =>
  validate({
    id: randomUUID(),
    name: 'Local',
    host: 'localhost',
    database: 'app',
    username: 'alice',
    ...patch,
  });

export const group = (patch: Record<string, unknown> = {}): ConnectionGroup =>
  validateGroup({ id: randomUUID(), name: 'Team', ...patch });

/** Awaits `promise`, expects a Storage TuskError naming `path`, and returns it. */
export async function expectStorageError(promise: Promise<unknown>, path: string) {
  const error = await promise.then(
    () => expect.unreachable('expected a Storage error, but it succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TuskError);
  const tusk = error as TuskError;
  expect(tusk.kind).toBe('Storage');
  expect(tusk.path).toBe(path);
  expect(tusk.message).toContain(path);
  return tusk;
}

export const tempFilesIn = async (dir: string) =>
  (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
