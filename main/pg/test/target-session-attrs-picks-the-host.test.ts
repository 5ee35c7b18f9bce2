import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionConfig, TargetSessionAttrs } from '../../../machines/config.ts';
import { type StandbyPair, startStandbyPair } from '../../../test/harness/standby.ts';
import { runQuery } from '../query.ts';
import {
  configFor,
  connected,
  disconnected,
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

const hostsOf = (servers: { host: string; port: number }[]) =>
  servers.map(({ host, port }) => ({ host, port }));

function over(order: 'primary-first' | 'standby-first', target: TargetSessionAttrs, poolMax = 3) {
  const servers =
    order === 'primary-first' ? [pair.primary, pair.standby] : [pair.standby, pair.primary];
  const [first] = servers;
  return configFor(first!, {
    hosts: hostsOf(servers),
    options: { targetSessionAttrs: target, poolMax },
  });
}

async function landsOn(config: ConnectionConfig) {
  const actor = startConnection(effects(), config, { password: pair.primary.password, actors });
  const snapshot = await connected(actor);
  const { rows } = await runQuery(
    sessionOf(effects(), config),
    'select pg_is_in_recovery() as standby, inet_server_port() as port',
  );
  await disconnected(actor);
  return { server: snapshot.context.server, ...(rows[0] as { standby: boolean; port: number }) };
}

describe('target_session_attrs picks the host by the server’s own role', () => {
  it.each([
    ['standby-first', 'read-write', 'primary'],
    ['standby-first', 'primary', 'primary'],
    ['primary-first', 'standby', 'standby'],
    ['primary-first', 'read-only', 'standby'],
    ['primary-first', 'prefer-standby', 'standby'],
    ['standby-first', 'any', 'standby'],
  ] as const)('%s, %s → the %s', async (order, target, expected) => {
    const landed = await landsOn(over(order, target));
    const server = expected === 'primary' ? pair.primary : pair.standby;
    expect(landed.server).toMatchObject({ host: '127.0.0.1', port: server.port });
    expect(landed.port).toBe(server.port);
    expect(landed.standby).toBe(expected === 'standby');
  });

  it('takes the primary for prefer-standby when no standby is listed', async () => {
    const config = configFor(pair.primary, {
      hosts: hostsOf([pair.primary, pair.primary]),
      options: { targetSessionAttrs: 'prefer-standby' },
    });
    expect((await landsOn(config)).port).toBe(pair.primary.port);
  });

  it('judges the server, not this connection’s own read-only option', async () => {
    const config = over('standby-first', 'read-write');
    const readonly = { ...config, options: { ...config.options, readonly: true } };
    expect((await landsOn(readonly)).port).toBe(pair.primary.port);
  });

  it('fails a user’s connect fast, naming each host and why, when none matches', async () => {
    const config = configFor(pair.standby, {
      hosts: [
        { host: '127.0.0.1', port: pair.standby.port },
        { host: '127.0.0.1', port: 1 },
      ],
      options: { targetSessionAttrs: 'read-write', poolMax: 1 },
    });
    const actor = startConnection(effects(), config, { password: pair.primary.password, actors });
    actor.send({ type: 'CONNECT' });
    const snapshot = await waitForStatus(actor, 'error');
    const error = snapshot.context.lastError!;
    expect(error.kind).toBe('ConnectionFailed');
    expect(error.message).toContain(`127.0.0.1:${pair.standby.port}`);
    expect(error.message).toMatch(/session is read-only/);
    expect(error.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:1\b/);
    expect(error.message).not.toContain(pair.primary.password);
  });
});

describe('a session whose server stops matching its target', () => {
  it('is lost at the next keepalive, and reconnects once a host matches again', async () => {
    const config = configFor(pair.primary, {
      hosts: hostsOf([pair.primary, pair.standby]),
      options: {
        targetSessionAttrs: 'read-write',
        keepaliveIntervalSec: 1,
        maxReconnectAttempts: 10_000,
      },
    });
    const actor = startConnection(effects(), config, { password: pair.primary.password, actors });
    await connected(actor);
    const admin = pair.primary.admin();
    try {
      // The primary turns read-only for every session (as some switchover scripts do).
      await admin.query('alter system set default_transaction_read_only = on');
      await admin.query('select pg_reload_conf()');
      const lost = await waitForStatus(actor, 'reconnecting', 10_000);
      expect(lost.context.lastError).toMatchObject({
        kind: 'ConnectionLost',
        code: 'TARGET_MISMATCH',
        message: expect.stringMatching(/session is read-only/),
      });
    } finally {
      await admin.query('alter system reset default_transaction_read_only');
      await admin.query('select pg_reload_conf()');
    }
    const back = await waitForStatus(actor, 'connected', 20_000);
    expect(back.context.server?.port).toBe(pair.primary.port);
    await disconnected(actor);
  });
});
