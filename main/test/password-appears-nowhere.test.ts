import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../machines/config.ts';
import { createFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.ts';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { HISTORY_DIR } from '../history/index.ts';
import { configFor, rejection, untilStatus } from './helpers.ts';
import { errorTexts, filesUnder, scannedService, snapshotsOf } from './secret-scan.ts';

const server = sharedServer();
const role = uniqueName('secret_user');
// Distinctive, so a match anywhere is this password and nothing else.
const SECRET = `Tusk-PW-${randomUUID()}`;
const WRONG = `Tusk-WRONG-${randomUUID()}`;
let proxy: FaultProxy | undefined;

beforeAll(() => server.createRole(role, SECRET));
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

it('the password is in the keyring and nowhere else: file, snapshots, events, errors, logs', async () => {
  const { service, dataDir, credentials, seen, record, inspected, consoleTexts } =
    await scannedService();
  // Snapshots taken the moment each status is reported, in every state a connection can be in.
  const statusesSeen = new Set<ConnectionStatus>();
  service.onStatus((event) => statusesSeen.add(event.status));

  proxy = await createFaultProxy({ targetHost: server.host, targetPort: server.port });
  const target = { ...server, host: proxy.host, port: proxy.port, user: role };
  const config = configFor(target, {
    passwordInKeyring: true,
    options: { maxReconnectAttempts: 2 },
  });
  await service.saveConnection(config, SECRET);
  expect(await credentials.getPassword(config.id)).toBe(SECRET);

  // connecting, connected (the password read from the keyring)
  await service.connect(config);
  record('snapshots when connected', snapshotsOf(service));
  record('query error', errorTexts(await rejection(service.query(config.id, 'selec 1'))));
  // A script's plan and its steps, a failing one included, as they cross to the UI.
  record('plan', [JSON.stringify(await service.planSql(config.id, 'select 1; \\connect x'))]);
  record('script', [JSON.stringify(await service.runScript(config.id, 'select 1; select 1/0'))]);

  // reconnecting, connected again
  await server.terminate({ applicationName: config.options.applicationName });
  await untilStatus(service, config.id, 'connected');
  // reconnecting that fails for good: error
  await proxy.setMode('reset');
  await untilStatus(service, config.id, 'error');
  record('snapshots in error after reconnecting', snapshotsOf(service));
  record('query in error', errorTexts(await rejection(service.query(config.id, 'select 1'))));
  await proxy.setMode('pass');

  // Failures of connect, each with a password given to it.
  const failures = [
    ['wrong password', configFor({ ...server, user: role }), WRONG],
    [
      'missing database',
      configFor({ ...server, user: role, database: uniqueName('nodb') }),
      SECRET,
    ],
    ['unknown role', configFor({ ...server, user: uniqueName('nobody') }), SECRET],
  ] as const;
  for (const [what, failing, password] of failures) {
    record(what, errorTexts(await rejection(service.connect(failing, { password }))));
    record(`snapshots after ${what}`, snapshotsOf(service));
  }
  await proxy.setMode('refuse');
  const refused = configFor(target);
  record('refused', errorTexts(await rejection(service.connect(refused, { password: SECRET }))));
  await service.disconnect(config.id);
  record('snapshots when disconnected', snapshotsOf(service));

  record('inspection events', inspected);
  // The durable history is in the data directory, so the scan below reads it too; it must be
  // there to be scanned, with every transition above and the errors they recorded.
  await service.history.flush();
  const history = await filesUnder(join(dataDir, HISTORY_DIR));
  expect(history.join('').split('\n').length).toBeGreaterThan(10);
  expect(history.join('')).toContain('"AuthFailed"');
  record('transition history', history);
  record('history command', [JSON.stringify(await service.listHistory(0))]);
  record('data directory', await filesUnder(dataDir));
  record('console', consoleTexts());

  expect([...statusesSeen].sort()).toEqual([
    'connected',
    'connecting',
    'disconnected',
    'error',
    'reconnecting',
  ]);
  expect(seen.length).toBeGreaterThan(50);
  const leaks = seen.filter(({ text }) => text.includes(SECRET) || text.includes(WRONG));
  expect(leaks.map((l) => `${l.where}: ${l.text.slice(0, 300)}`)).toEqual([]);
});
