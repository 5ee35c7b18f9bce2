import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import {
  buildElectron,
  type ElectronBuild,
  MAIN_EXTERNALS,
} from '../../../scripts/build-electron.ts';

let built: ElectronBuild;
let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'tusk-electron-build-'));
  built = await buildElectron(out);
  return () => rm(out, { recursive: true, force: true });
});

type Listener = (...args: unknown[]) => void;

/**
 * The preload as a sandboxed renderer runs it: one script, in a context of its own, whose
 * `require` offers `electron` alone (Electron's offers a few Node modules besides, never a file).
 */
function loadPreload(code: string) {
  const exposed: Record<string, unknown> = {};
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld(name: string, api: unknown) {
        exposed[name] = api;
      },
    },
    ipcRenderer: {
      invoke(channel: string, args: unknown) {
        invoked.push([channel, args]);
        return Promise.resolve({ ok: true, result: channel });
      },
      on(channel: string, listener: Listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener(channel: string, listener: Listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require(name: string) {
      required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
  });
  return { exposed, invoked, listeners, required };
}

it('bundles the main process as ESM and leaves outside it only Node, Electron and the listed natives', async () => {
  const main = await readFile(built.main, 'utf8');
  expect(main).toMatch(/^import \{ createRequire as __tuskCreateRequire \} from 'node:module';/);
  // Our own sources are inside: no import of a .ts file is left for the runtime.
  expect(main).not.toMatch(/from\s+["'][^"']+\.ts["']/);
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  const listed = (path: string) =>
    MAIN_EXTERNALS.some((name) =>
      name.endsWith('/*') ? path.startsWith(name.slice(0, -1)) : path === name,
    );
  const outside = built.externals.main.filter((path) => !builtins.has(path));
  expect(outside.length).toBeGreaterThan(0);
  expect(outside.filter((path) => !listed(path))).toEqual([]);
  expect(outside).toContain('electron');
  expect(outside).toContain('keytar');
});

it('bundles the preload into one CommonJS file that needs nothing but electron', async () => {
  expect(built.externals.preload).toEqual(['electron']);
  const { exposed, required } = loadPreload(await readFile(built.preload, 'utf8'));
  expect(required).toEqual(['electron']);
  expect(Object.keys(exposed)).toEqual(['tusk']);
  expect(Object.keys(exposed.tusk as object).sort()).toEqual(['invoke', 'on']);
});

it("the preload's invoke forwards a known command as tusk:<command> and throws on any other", async () => {
  const { exposed, invoked } = loadPreload(await readFile(built.preload, 'utf8'));
  const tusk = exposed.tusk as { invoke(command: unknown, args?: unknown): Promise<unknown> };
  expect(await tusk.invoke('list_connections', {})).toEqual({
    ok: true,
    result: 'tusk:list_connections',
  });
  expect(invoked).toEqual([['tusk:list_connections', {}]]);
  for (const command of ['drop_everything', 'tusk:connect', '__proto__', 'toString', 42, null]) {
    expect(() => tusk.invoke(command, {}), String(command)).toThrow(/unknown command/);
  }
  expect(invoked).toHaveLength(1);
});

it("the preload's on relays only its own event from tusk:event, and its unsubscribe removes it", async () => {
  const { exposed, listeners } = loadPreload(await readFile(built.preload, 'utf8'));
  const tusk = exposed.tusk as { on(event: unknown, listener: unknown): () => void };
  const got: unknown[] = [];
  const off = tusk.on('host:notice', (payload: unknown) => got.push(payload));
  expect([...listeners.keys()]).toEqual(['tusk:event']);
  const [relay] = [...listeners.get('tusk:event')!];
  relay!({}, { event: 'connection:status', payload: 'not this one' });
  relay!({}, { event: 'host:notice', payload: { level: 'info', message: 'hello' } });
  expect(got).toEqual([{ level: 'info', message: 'hello' }]);
  off();
  expect(listeners.get('tusk:event')!.size).toBe(0);
  expect(() => tusk.on('tusk:event', () => {})).toThrow(/unknown event/);
  expect(() => tusk.on('host:notice', 'not a function')).toThrow(/listener must be a function/);
});
