import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFaultProxy } from '../../../test/harness/fault-proxy.ts';
import {
  actorOf,
  delay,
  recordStatuses,
  rejection,
  startService,
  untilStatuses,
} from '../../test/helpers.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();

describe('a silently blackholed SSH link', () => {
  it('is noticed by the SSH keepalive, not by a query, and the connection recovers', async () => {
    const proxy = await createFaultProxy({
      targetHost: world.sshd.host,
      targetPort: world.sshd.port,
    });
    const dir = await mkdtemp(join(tmpdir(), 'tusk-ssh-blackhole-'));
    onTestFinished(async () => {
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    });
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `${await world.sshd.knownHostsLine(proxy.port)}\n`);
    const { service } = await startService({ ssh: { userKnownHostsFile: knownHosts } });
    // PostgreSQL's own keepalive far away, so only the tunnel's can notice.
    const config = tunnelConfig(
      world,
      { host: proxy.host, port: proxy.port, keepaliveIntervalSec: 1, keepaliveCountMax: 2 },
      { options: { keepaliveIntervalSec: 600, connectTimeoutSec: 2 } },
    );
    await service.saveConnection(config, world.server.password, {
      sshPassword: world.sshd.password,
    });
    const statuses = recordStatuses(service);
    await service.connect(config);

    // A long query on the wire when the link goes silent: it must fail, not hang for 30 s.
    const running = rejection(service.query(config.id, 'select pg_sleep(30)'));
    await delay(100);
    const since = performance.now();
    await proxy.setMode('blackhole');
    await untilStatuses(statuses, config.id, ['connecting', 'connected', 'reconnecting'], 10_000);
    const noticedMs = Math.round(performance.now() - since);
    const lost = actorOf(service, config.id)!.getSnapshot().context.lastError;
    expect(lost).toMatchObject({ kind: 'ConnectionLost', code: 'SSH_KEEPALIVE' });
    // Bound: one interval idle, then countMax probes an interval apart (3 s here); not asserted.
    const failed = await running;
    const failedMs = Math.round(performance.now() - since);
    expect(failed.kind).toBe('ConnectionLost');
    console.log(
      `blackholed SSH link noticed after ${noticedMs} ms, running query failed after ${failedMs} ms (keepalive 1 s × 2)`,
    );

    await proxy.setMode('pass');
    expect(
      await untilStatuses(
        statuses,
        config.id,
        ['connecting', 'connected', 'reconnecting', 'connected'],
        15_000,
      ),
    ).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    const { rows } = await service.query(config.id, 'select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
