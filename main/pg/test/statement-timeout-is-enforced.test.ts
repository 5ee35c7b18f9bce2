import { describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { runQuery } from '../query.ts';
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

describe('statement timeout', () => {
  it('cancels a statement that runs longer with 57014, and the connection stays up', async () => {
    const config = configFor(server, { options: { statementTimeoutMs: 300, poolMax: 3 } });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    await connected(actor);
    const session = sessionOf(effects(), config);

    const started = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () => runQuery(session, 'select pg_sleep(3)')),
    );
    expect(Date.now() - started).toBeLessThan(2500);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        kind: 'QueryFailed',
        code: '57014',
      });
    }
    expect(actor.getSnapshot().matches('connected')).toBe(true);
    await expect(runQuery(session, 'select 1 as one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    await disconnected(actor);
  });
});
