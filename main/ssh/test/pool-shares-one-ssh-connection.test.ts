import { describe, expect, it } from 'vitest';
import { rejection, startService } from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('a pool behind an SSH tunnel', () => {
  it('opens every pooled backend over one SSH connection, each read-only with the statement timeout', async () => {
    const { service } = await startService({ ssh: { userKnownHostsFile: world.knownHosts } });
    const config = tunnelConfig(
      world,
      {},
      { options: { poolMax: 5, readonly: true, statementTimeoutMs: 500 } },
    );
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const logins = world.sshd.logins();
    await service.connect(config);

    // Four at once, each holding its client, so the pool opens all four of its connections.
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        service.query(
          config.id,
          `select pg_backend_pid() as pid, current_setting('default_transaction_read_only') as ro,
                  current_setting('statement_timeout') as timeout, pg_sleep(0.3)`,
        ),
      ),
    );
    const rows = settings.map((r) => r.rows[0]!);
    expect(new Set(rows.map((r) => r.pid)).size).toBe(4);
    expect(rows.map((r) => [r.ro, r.timeout])).toEqual(Array(4).fill(['on', '500ms']));

    const backends = await world.server.backends({
      applicationName: config.options.applicationName,
    });
    expect(backends.length).toBe(5);
    expect(world.sshd.logins() - logins).toBe(1);
    expect((await world.sshd.sessions()).length).toBe(1);

    const writes = await Promise.all(
      Array.from({ length: 4 }, () =>
        rejection(service.query(config.id, 'create table tusk_ssh_should_not_exist (n int)')),
      ),
    );
    expect(writes.map((e) => e.code)).toEqual(Array(4).fill('25006'));
    const slow = await Promise.all(
      Array.from({ length: 4 }, () => rejection(service.query(config.id, 'select pg_sleep(5)'))),
    );
    expect(slow.map((e) => e.code)).toEqual(Array(4).fill('57014'));
    expect(world.sshd.logins() - logins).toBe(1);
  });
});
