import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { recordStatuses, rejection, untilStatuses } from '../../test/helpers.ts';
import { errorTexts, filesUnder, scannedService, snapshotsOf } from '../../test/secret-scan.ts';
import { tunnelConfig, tunnelWorld } from './helpers.ts';

const world = tunnelWorld();
const WRONG = `Tusk-SSH-WRONG-${randomUUID()}`;

it('the SSH password and key passphrase are in the keyring and nowhere else', async () => {
  const PASSWORD = world.sshd.password;
  const PASSPHRASE = world.sshd.keys.passphrase;
  const { service, dataDir, credentials, seen, record, inspected, consoleTexts } =
    await scannedService({
      ssh: { userKnownHostsFile: world.noKnownHosts },
    });

  const byPassword = tunnelConfig(world, { auth: 'password' });
  await service.saveConnection(byPassword, world.server.password, { sshPassword: PASSWORD });
  expect(await credentials.getSecret(byPassword.id, 'ssh-password')).toBe(PASSWORD);
  // Unknown host key first, then accepted.
  const unknown = await rejection(service.connect(byPassword));
  record('unknown host key', errorTexts(unknown));
  await service.acceptHostKey(byPassword.id, unknown.fingerprint);
  await service.connect(byPassword);
  record('connected', snapshotsOf(service));
  // A killed SSH session: reconnecting, connected again.
  const statuses = recordStatuses(service);
  await world.sshd.killSessions();
  await untilStatuses(statuses, byPassword.id, ['reconnecting', 'connected']);
  record('reconnected', snapshotsOf(service));

  const byKey = tunnelConfig(world, { auth: 'key', keyPath: world.sshd.keys.openssh });
  await service.saveConnection(byKey, world.server.password, { sshPassphrase: PASSPHRASE });
  await service.connect(byKey);
  record('connected by key', snapshotsOf(service));

  // Failures, each with a secret given to that one connect.
  const wrongPassword = tunnelConfig(world, { auth: 'password' });
  record(
    'wrong SSH password',
    errorTexts(
      await rejection(
        service.connect(wrongPassword, { password: world.server.password, sshPassword: WRONG }),
      ),
    ),
  );
  const wrongPassphrase = tunnelConfig(world, { auth: 'key', keyPath: world.sshd.keys.pem });
  record(
    'wrong passphrase',
    errorTexts(
      await rejection(
        service.connect(wrongPassphrase, { password: world.server.password, sshPassphrase: WRONG }),
      ),
    ),
  );
  record('snapshots after failures', snapshotsOf(service));
  await service.disconnect(byPassword.id);
  await service.disconnect(byKey.id);
  record('disconnected', snapshotsOf(service));

  record('inspection events', inspected);
  // The tunnels' transitions are in the durable history with the connections': scanned too.
  await service.history.flush();
  const tunnelRecords = (await service.getHistory(byPassword.id)).filter(
    (r) => r.machine === 'tunnel',
  );
  expect(tunnelRecords.map((r) => r.to)).toEqual(expect.arrayContaining(['open.idle', 'lost']));
  record('history command', [JSON.stringify(await service.listHistory(0))]);
  record('data directory', await filesUnder(dataDir));
  record('console', consoleTexts());

  expect(seen.length).toBeGreaterThan(30);
  const leaks = seen.filter(
    ({ text }) => text.includes(PASSWORD) || text.includes(PASSPHRASE) || text.includes(WRONG),
  );
  expect(leaks.map((l) => `${l.where}: ${l.text.slice(0, 300)}`)).toEqual([]);

  await service.deleteConnection(byPassword.id);
  await service.deleteConnection(byKey.id);
  expect(await credentials.getSecret(byPassword.id, 'ssh-password')).toBeNull();
  expect(await credentials.getSecret(byKey.id, 'ssh-passphrase')).toBeNull();
});
