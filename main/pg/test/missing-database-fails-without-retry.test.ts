import { describe, expect, it } from 'vitest';
import { sharedServer, uniqueName } from '../../../test/harness/shared.ts';
import { configFor, delay, effectsPerTest, startConnection, waitForStatus } from './fixtures.ts';

const server = sharedServer();
const { effects, actors } = effectsPerTest();

describe('a database that does not exist', () => {
  it('ends in error with 3D000 and is not retried', async () => {
    const config = configFor({ ...server, database: uniqueName('tusk_missing') });
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({ kind: 'ConnectionFailed', code: '3D000' });
    expect(context.lastError?.message).toContain(config.database);
    await delay(300);
    expect(actor.getSnapshot().matches('error')).toBe(true);
    expect(actor.getSnapshot().context.attempt).toBe(0);
  });
});
