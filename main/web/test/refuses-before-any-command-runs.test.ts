import { request } from 'node:http';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sharedServer } from '../../../test/harness/shared.ts';
import { configFor } from '../../test/helpers.ts';
import { ipcUrl, rawClient, refusedUpgrade } from './helpers.ts';
import { startWebProcess } from './web-process.ts';

const server = sharedServer();

/** Tries to open a socket and, if it opened, save a connection at once: proof of a command. */
async function attempt(url: string, headers: Record<string, string>) {
  const socket = new WebSocket(url, { headers });
  socket.once('open', () =>
    socket.send(
      JSON.stringify({ id: 1, command: 'save_connection', args: { config: configFor(server) } }),
    ),
  );
  return new Promise<number>((resolve, reject) => {
    socket.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', reject);
  });
}

function httpStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

it('a running browser-mode process refuses a bad token, a foreign Origin or Host, before any command runs', async () => {
  const web = await startWebProcess();
  expect(web.url).toBe(`http://127.0.0.1:${web.port}/?token=${web.token}`);
  // At least 128 bits: 32 random bytes in base64url.
  expect(Buffer.from(web.token, 'base64url').length).toBeGreaterThanOrEqual(16);
  const good = ipcUrl(web);
  const ownHost = `127.0.0.1:${web.port}`;

  const noToken = `ws://${ownHost}/ipc`;
  const sameLength = ipcUrl(web, `${web.token.slice(0, -1)}${web.token.endsWith('A') ? 'B' : 'A'}`);
  const refusals = {
    'no token': await attempt(noToken, {}),
    'empty token': await attempt(`${noToken}?token=`, {}),
    'wrong token': await attempt(ipcUrl(web, 'x'.repeat(43)), {}),
    'one character off': await attempt(sameLength, {}),
    'a foreign Origin': await attempt(good, { origin: 'http://evil.example' }),
    'another port as Origin': await attempt(good, { origin: `http://127.0.0.1:${web.port + 1}` }),
    'a foreign Host': await attempt(good, { host: `evil.example:${web.port}` }),
    'a foreign Host and Origin': await attempt(good, {
      host: `evil.example:${web.port}`,
      origin: `http://evil.example:${web.port}`,
    }),
  };
  expect(refusals).toEqual({
    'no token': 401,
    'empty token': 401,
    'wrong token': 401,
    'one character off': 401,
    'a foreign Origin': 403,
    'another port as Origin': 403,
    'a foreign Host': 403,
    'a foreign Host and Origin': 403,
  });
  // The page itself is behind the Host check too (DNS rebinding).
  expect(await httpStatus(web.port, { host: `evil.example:${web.port}` })).toBe(403);
  expect(await httpStatus(web.port, { host: ownHost })).toBe(200);
  expect(await httpStatus(web.port, { host: `localhost:${web.port}` })).toBe(200);

  // The page's own origins, and a client without an Origin (not a browser), with the token.
  for (const origin of [`http://127.0.0.1:${web.port}`, `http://localhost:${web.port}`]) {
    const client = await rawClient(good, { origin });
    expect(await client.request('list_groups', {})).toEqual({ id: 1, ok: true, result: [] });
    await client.close();
  }
  const client = await rawClient(good);
  // None of the refused clients got to save its connection.
  expect(await client.request('list_connections', {})).toEqual({ id: 1, ok: true, result: [] });
  await expect(refusedUpgrade(`ws://${ownHost}/elsewhere?token=${web.token}`)).resolves.toBe(404);

  await client.close();
  web.child.kill('SIGINT');
  expect(await web.exited).toBe(0);
});
