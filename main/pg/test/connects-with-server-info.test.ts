import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  sessionOf,
  startConnection,
} from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

describe('connect', () => {
  it('reaches connected with the server info and the applied session settings', async () => {
    const config = configFor(server, { options: { readonly: true, statementTimeoutMs: 1500 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);

    expect(context.server).toMatchObject({
      currentDatabase: server.database,
      currentUser: server.user,
      ssl: false,
    });
    expect(context.server?.version).toMatch(/^PostgreSQL 18/);
    expect(context.server?.serverVersionNum).toBeGreaterThanOrEqual(180000);
    expect(Date.parse(context.server?.startedAt ?? '')).toBeLessThan(Date.now());
    const pids = (await server.backends({ applicationName: config.options.applicationName })).map(
      (b) => b.pid,
    );
    expect(pids).toContain(context.server?.backendPid);
    expect(context.session).toEqual({
      readonly: true,
      statementTimeoutMs: 1500,
      applicationName: config.options.applicationName,
    });
    await disconnected(actor);
  });

  it('keeps the password out of the snapshot, the session and the effects', async () => {
    const config = configFor(server);
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    expect(JSON.stringify(actor.getPersistedSnapshot())).not.toContain(server.password);
    expect(JSON.stringify(effects().oneOffPasswords)).not.toContain(server.password);
    for (const holder of [session, effects(), effects().oneOffPasswords, session.pool]) {
      expect(inspect(holder, { depth: 8 })).not.toContain(server.password);
    }
    await disconnected(actor);
  });
});
