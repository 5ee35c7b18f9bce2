import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type PgBouncer, startPgBouncer } from './pgbouncer.ts';
import { sharedServer, uniqueName } from './shared.ts';

const server = sharedServer();
const user = uniqueName('tusk_pgb');
const password = randomBytes(12).toString('base64url');
let bouncer: PgBouncer | undefined;

beforeAll(async () => {
  await server.createRole(user, password);
});
afterAll(() => bouncer?.dispose());

test('serves through its own port, answers its console, restarts on the same port, and dispose leaves nothing', async () => {
  bouncer = await startPgBouncer({
    target: server,
    poolMode: 'transaction',
    users: { [user]: password },
  });
  const { port } = bouncer;
  expect(port).not.toBe(server.port);
  expect(await bouncer.serving(user, 'postgres')).toBe(true);
  const pools = await bouncer.admin('SHOW POOLS');
  expect(pools.some((p) => p.user === user && p.pool_mode === 'transaction')).toBe(true);
  // It runs as the postgres OS user, not as root.
  const pid = bouncer.pid()!;
  const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  expect(uid).not.toBe('0');

  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  const errors: Error[] = [];
  client.on('error', (error) => errors.push(error));
  await client.connect();
  await bouncer.stop();
  expect(bouncer.alive()).toBe(false);
  expect(await bouncer.serving(user, 'postgres')).toBe(false);
  await expect.poll(() => errors.length).toBeGreaterThan(0);
  await bouncer.start();
  expect(bouncer.port).toBe(port);
  expect(await bouncer.serving(user, 'postgres')).toBe(true);

  const running = bouncer.pid()!;
  await bouncer.dispose();
  await bouncer.dispose();
  expect(() => process.kill(running, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  expect(existsSync(bouncer.dir)).toBe(false);
  await expect(bouncer.start()).rejects.toThrow(/disposed/);
});
