import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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

/** Pids of processes that run in `dir` or name it on their command line. */
export function processesIn(...dirs: string[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return dirs.some((dir) => cwd.startsWith(dir) || cmdline.includes(dir));
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** TCP ports something listens on, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
export function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === '0A') ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** The environment of a headless machine: no session bus, no display, nothing of the tests'. */
export async function headlessEnv(cache?: string): Promise<NodeJS.ProcessEnv> {
  const runtimeDir = await mkdtemp(join(tmpdir(), 'tusk-no-bus-'));
  onTestFinished(() => rm(runtimeDir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
  for (const name of [
    'DBUS_SESSION_BUS_ADDRESS',
    'DISPLAY',
    'WAYLAND_DISPLAY',
    'TUSK_IN_KEYRING',
    'TUSK_PG_TEMPLATE',
    'TUSK_PG_DIR',
    'XDG_DATA_HOME',
  ]) {
    delete env[name];
  }
  if (cache) env.TUSK_PG_CACHE = cache;
  return env;
}

export function output(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return { stdout: () => stdout, all: () => `--- stdout ---\n${stdout}--- stderr ---\n${stderr}` };
}
