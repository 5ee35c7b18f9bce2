import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { type StandbyPair, startStandbyPair } from '../../../test/harness/standby.ts';
import { runQuery } from '../query.ts';
import {
  type ConnectionSnapshot,
  configFor,
  connected,
  effectsPerTest,
  sessionOf,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

let pair: StandbyPair;
beforeAll(async () => {
  pair = await startStandbyPair();
});
afterAll(() => pair?.dispose());
const { effects, actors } = effectsPerTest();

/**
 * One primary, one streaming standby, and `pg_ctl promote` for the failover: a read-write
 * connection over both hosts must never be connected to the standby while it is one, and must
 * end up on the promoted standby, writing there. A standby connection, on the other hand, must
 * notice (by its keepalive) that its server stopped being a standby.
 */
it('moves a read-write connection to the promoted standby, and never to a standby', async () => {
  const { primary, standby } = pair;
  const hosts = [
    { host: '127.0.0.1', port: primary.port },
    { host: '127.0.0.1', port: standby.port },
  ];
  const timing = { keepaliveIntervalSec: 1, connectTimeoutSec: 2, maxReconnectAttempts: 10_000 };
  const writer = configFor(primary, {
    hosts,
    options: { ...timing, targetSessionAttrs: 'read-write', poolMax: 3 },
  });
  const reader = configFor(primary, {
    hosts,
    options: { ...timing, targetSessionAttrs: 'standby', poolMax: 2 },
  });
  const password = primary.password;
  const rw = startConnection(effects(), writer, { password, actors });
  const ro = startConnection(effects(), reader, { password, actors });
  expect((await connected(rw)).context.server?.port).toBe(primary.port);
  expect((await connected(ro)).context.server?.port).toBe(standby.port);
  await runQuery(sessionOf(effects(), writer), 'create table failover (at text)');
  await runQuery(sessionOf(effects(), writer), "insert into failover values ('primary')");

  let standbyIsPrimary = false;
  const wrong: ConnectionSnapshot[] = [];
  const watch = rw.subscribe((s) => {
    if (s.matches('connected') && !standbyIsPrimary && s.context.server?.port !== primary.port) {
      wrong.push(s);
    }
  });

  await primary.stop();
  await waitForStatus(rw, 'reconnecting');
  // Several full rounds over both hosts: the primary refuses, the standby is read-only.
  await waitFor(rw, (s) => s.context.attempt >= 3, { timeout: 30_000 });
  expect(rw.getSnapshot().context.lastError?.message).toMatch(/session is read-only/);

  // A user's connect meanwhile fails fast and says why for each host.
  const late = startConnection(
    effects(),
    configFor(primary, { hosts, options: { ...timing, targetSessionAttrs: 'read-write' } }),
    { password, actors },
  );
  late.send({ type: 'CONNECT' });
  const failed = await waitForStatus(late, 'error');
  expect(failed.context.lastError?.message).toContain(`127.0.0.1:${primary.port}`);
  expect(failed.context.lastError?.message).toContain(`127.0.0.1:${standby.port}`);
  expect(failed.context.lastError?.message).toMatch(/session is read-only/);

  standbyIsPrimary = true;
  await standby.promote();
  const moved = await waitFor(
    rw,
    (s) => s.matches('connected') && s.context.server?.port === standby.port,
    { timeout: 30_000 },
  );
  watch.unsubscribe();
  expect(wrong).toEqual([]);
  expect(moved.context.server).toMatchObject({ host: '127.0.0.1', port: standby.port });
  await runQuery(sessionOf(effects(), writer), "insert into failover values ('promoted')");
  const { rows } = await standby.admin().query('select at from failover order by at');
  expect(rows.map((r) => r.at)).toEqual(['primary', 'promoted']);

  // The standby connection's server is a primary now: its keepalive finds out.
  const lost = await waitForStatus(ro, 'reconnecting', 10_000);
  expect(lost.context.lastError).toMatchObject({ kind: 'ConnectionLost', code: 'TARGET_MISMATCH' });
});
