import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
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

describe('backends terminated by the server', () => {
  it('goes reconnecting, then connected, and queries work again', async () => {
    const config = configFor(server, { options: { poolMax: 3 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const applicationName = config.options.applicationName;
    await runQuery(sessionOf(effects(), config), 'select 1');
    const statuses = recordStatuses(actor);

    const killed = await server.terminate({ applicationName });
    expect(killed.length).toBeGreaterThanOrEqual(2);
    // terminate() waits for the backends to exit; by then the actor may be connected again.
    await expect
      .poll(statuses.statuses, { timeout: 5000 })
      .toEqual(['connected', 'reconnecting', 'connected']);
    const snapshot = actor.getSnapshot();
    expect(snapshot.context.attempt).toBe(0);
    expect(killed).not.toContain(snapshot.context.server?.backendPid);
    const { rows } = await runQuery(sessionOf(effects(), config), 'select pg_backend_pid() as pid');
    expect(killed).not.toContain(rows[0]?.pid);
    statuses.stop();
    await disconnected(actor);
  });

  it('fails a query whose backend is terminated with ConnectionLost, and reconnects', async () => {
    const config = configFor(server, { options: { poolMax: 3 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    const running = runQuery(session, 'select pg_sleep(30)');
    running.catch(() => undefined);
    await expect
      .poll(async () =>
        (await server.backends({ applicationName: config.options.applicationName })).some(
          (b) => b.query === 'select pg_sleep(30)' && b.state === 'active',
        ),
      )
      .toBe(true);
    const [victim] = (await server.backends({ applicationName: config.options.applicationName }))
      .filter((b) => b.query === 'select pg_sleep(30)')
      .map((b) => b.pid);
    await server.admin().query('select pg_terminate_backend($1)', [victim]);

    await expect(running).rejects.toMatchObject({ kind: 'ConnectionLost' });
    // The actor hears of the loss a turn later; wait for the session that replaced this one.
    await expect
      .poll(
        () =>
          actor.getSnapshot().matches('connected') ? effects().sessions.get(config.id) : session,
        { timeout: 5_000 },
      )
      .not.toBe(session);
    await expect(runQuery(sessionOf(effects(), config), 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    await disconnected(actor);
  });
});
