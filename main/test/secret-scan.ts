import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { tunnelView } from '../../machines/tunnel.machine.ts';
import type { ConnectionService, ConnectionServiceOptions } from '../service.ts';
import { startService } from './helpers.ts';

/*
 * What the "appears nowhere" tests search for a secret: every way an error can be printed, and
 * every file a service left in its data directory.
 */

/** An error as a message, as JSON, as its stack and as Node prints it (causes included). */
export function errorTexts(error: unknown): string[] {
  const e = error as Error;
  return [e.message, JSON.stringify(e), String(e.stack), inspect(e, { depth: 10 })];
}

/** The contents of every file below `dir`. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
}

/**
 * The manager's and every connection's snapshot and persisted snapshot, as JSON, and each
 * connection's SSH tunnel child (its snapshots and its view) when it has one.
 */
export function snapshotsOf(service: ConnectionService): string[] {
  const { manager } = service;
  const texts = [
    JSON.stringify(manager.getSnapshot()),
    JSON.stringify(manager.getPersistedSnapshot()),
  ];
  for (const child of Object.values(manager.getSnapshot().children)) {
    if (!child) continue;
    texts.push(JSON.stringify(child.getSnapshot()), JSON.stringify(child.getPersistedSnapshot()));
    const tunnel = child.getSnapshot().children.tunnel;
    if (tunnel) {
      texts.push(
        JSON.stringify(tunnel.getSnapshot()),
        JSON.stringify(tunnel.getPersistedSnapshot()),
        JSON.stringify(tunnelView(tunnel)),
      );
    }
  }
  return texts;
}

/**
 * A service watched for a secret scan: every status event, with every actor's snapshots at that
 * moment, is kept in `seen`, and so is whatever `record` is given. Its inspection events
 * (`inspected`) and console calls (`consoleTexts()`) are kept for the test to record last.
 */
export async function scannedService(options: Partial<ConnectionServiceOptions> = {}) {
  const seen: { where: string; text: string }[] = [];
  const record = (where: string, texts: string[]) => {
    for (const text of texts) seen.push({ where, text });
  };
  const inspected: string[] = [];
  const fixture = await startService({
    ...options,
    inspect: (event: InspectionEvent) => inspected.push(JSON.stringify(event)),
  });
  const logged = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method),
  );
  fixture.service.onStatus((event) => {
    record(`status event ${event.status}`, [JSON.stringify(event)]);
    record(`snapshots at ${event.status}`, snapshotsOf(fixture.service));
  });
  const consoleTexts = () =>
    logged.flatMap((spy) => spy.mock.calls.map((args) => inspect(args, { depth: 10 })));
  return { ...fixture, seen, record, inspected, consoleTexts };
}
