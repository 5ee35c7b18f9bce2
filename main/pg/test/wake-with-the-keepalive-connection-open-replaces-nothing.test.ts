import { expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { sharedServer } from '../../../test/harness/shared.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  recordStatuses,
  sessionOf,
  startConnection,
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

  actor.send({ type: 'WAKE' });
  await waitFor(actor, (s) => s.context.keepalive.pings === 1 && s.matches({ connected: 'idle' }), {
    timeout: 5_000,
  });
  expect(statuses.statuses()).toEqual(['connected']);
  expect(await pids()).toEqual(before);
  statuses.stop();
  await disconnected(actor);
});
