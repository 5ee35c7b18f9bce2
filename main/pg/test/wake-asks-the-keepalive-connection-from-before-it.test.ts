import pg from 'pg';
import { expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  recordStatuses,
  sessionOf,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

// The other side of the rule in PgSession.ping: a wake with the control client open (its socket
// from before the wake stands for the others) costs one ping, and no backend is replaced.
it('a wake with the keepalive connection open pings on it and keeps every backend', async () => {
  const config = configFor(server, { options: { keepaliveIntervalSec: 3600, poolMax: 4 } });
  const actor = startConnection(effects(), config, { password: server.password, actors });
  await connected(actor);
  await sessionOf(effects(), config).controlReady;
  const { applicationName } = config.options;
  const pids = async () =>
    (await server.backends({ applicationName })).map((b) => b.pid).sort((a, b) => a - b);
  const before = await pids();
  // The pool's first client and the control client.
  expect(before).toHaveLength(2);
  const statuses = recordStatuses(actor);

  actor.send({ type: 'WAKE', cause: 'resume' });
  await waitFor(actor, (s) => s.context.keepalive.pings === 1 && s.matches({ connected: 'idle' }), {
    timeout: 5_000,
  });
  expect(statuses.statuses()).toEqual(['connected']);
  expect(await pids()).toEqual(before);
  statuses.stop();
  await disconnected(actor);
});

// And the cost, when there is no control socket from before the wake to ask: a server that
// refused the control client (the role's connection limit) leaves none, so the wake replaces the
// session, and the reconnect finds the server as before.
it('a wake with no keepalive connection (the server refused it) replaces the session', async () => {
  const role = uniqueName('onelogin');
  const password = 'onelogin-password-1';
  await server
    .admin()
    .query(
      `create role ${pg.escapeIdentifier(role)} login connection limit 1 password ${pg.escapeLiteral(password)}`,
    );
  const config = configFor(
    { ...server, user: role, password },
    { options: { keepaliveIntervalSec: 3600, poolMax: 4 } },
  );
  const actor = startConnection(effects(), config, { password, actors });
  await connected(actor);
  // The control client's login was refused: too many connections for the role.
  await sessionOf(effects(), config).controlReady;
  expect(await server.backends({ applicationName: config.options.applicationName })).toHaveLength(
    1,
  );
  const statuses = recordStatuses(actor);

  actor.send({ type: 'WAKE', cause: 'resume' });
  await waitForStatus(actor, 'reconnecting', 5_000);
  expect(actor.getSnapshot().context.lastError?.message).toMatch(
    /no keepalive connection was open to check the network path with/,
  );
  await waitForStatus(actor, 'connected', 10_000);
  expect(statuses.statuses()).toEqual(['connected', 'reconnecting', 'connected']);
  statuses.stop();
  await disconnected(actor);
});
