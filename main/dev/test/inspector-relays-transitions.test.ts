import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createActor } from 'xstate';
import { connectionMachine } from '../../../machines/connection.machine.ts';
import { fakeEffects, settle, testConfig } from '../../../machines/test/fake-effects.ts';
import { type DevInspector, inspectorFromEnv } from '../inspector.ts';

let inspector: DevInspector | undefined;
afterEach(async () => {
  await inspector?.stop();
  inspector = undefined;
});

const startConnection = (inspect: DevInspector['inspect']) => {
  const effects = fakeEffects();
  const actor = createActor(connectionMachine.provide({ actors: effects.actors }), {
    input: { config: testConfig() },
    inspect,
  });
  actor.start();
  return actor;
};

const open = (url: string, headers: Record<string, string> = {}) =>
  new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });

it('is off unless TUSK_INSPECT asks for it', async () => {
  expect(await inspectorFromEnv(undefined)).toBeUndefined();
  expect(await inspectorFromEnv('0')).toBeUndefined();
});

it('console mode prints each transition of the connection actor', async () => {
  const lines: string[] = [];
  inspector = await inspectorFromEnv('console', (line) => lines.push(line));
  const actor = startConnection(inspector!.inspect);
  actor.send({ type: 'CONNECT' });
  await settle();
  actor.stop();
  expect(lines.some((l) => l.includes('CONNECT -> connection.connecting'))).toBe(true);
  expect(lines.at(-1)).toContain('{"connected":"idle"}');
});

it('relays inspection events to a local viewer on 127.0.0.1 only, refusing other origins', async () => {
  const logged: string[] = [];
  inspector = await inspectorFromEnv('1', (line) => logged.push(line));
  const url = inspector!.url!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(logged[0]).toContain(url);

  const viewer = await open(url.replace('http', 'ws'));
  const received: string[] = [];
  viewer.on('message', (data) => received.push(data.toString()));
  await expect(open(url.replace('http', 'ws'), { origin: 'https://evil.example' })).rejects.toThrow(
    /401/,
  );

  const page = await (await fetch(url)).text();
  expect(page).toContain('https://stately.ai/inspect');

  const actor = startConnection(inspector!.inspect);
  actor.send({ type: 'CONNECT' });
  await settle();
  await expect
    .poll(() => received.some((m) => m.includes('"connected"')), { timeout: 5_000 })
    .toBe(true);
  actor.stop();
  viewer.close();
});
