import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createMemoryCredentialStore } from '../../credentials/index.ts';
import { type ConnectionService, createConnectionService } from '../../service.ts';
import { type Demo, startDemo } from '../demo.ts';

/**
 * A fresh app data directory. After the test it is removed, and so is the demo cluster made
 * for it (outside it as root: see demo-server.ts).
 */
export async function freshAppDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tusk-app-'));
  const dataDir = join(root, 'data');
  onTestFinished(async () => {
    const cluster = await realpath(join(dataDir, 'demo-pg')).catch(() => undefined);
    if (cluster) await rm(cluster, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });
  return dataDir;
}

/** A service (credentials in memory) and the demo on `dataDir`, both closed after the test. */
export async function startDemoApp(
  dataDir: string,
): Promise<{ service: ConnectionService; demo: Demo; close(): Promise<void> }> {
  const service = await createConnectionService({
    dataDir,
    credentials: createMemoryCredentialStore(),
  });
  let demo: Demo;
  try {
    demo = await startDemo({ dataDir, service });
  } catch (error) {
    await service.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await service.close();
      await demo.close();
    })();
    return closing;
  };
  onTestFinished(close);
  return { service, demo, close };
}
