import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { startPostgres } from '../../test/harness/postgres.ts';
import { sharedServer, uniqueName } from '../../test/harness/shared.ts';
import { makeClientCertificate, makeTlsFixtures } from '../../test/harness/tls.ts';
import { SSL_KEY_PASSPHRASE } from '../credentials/index.ts';
import { configFor, rejection, untilStatus } from './helpers.ts';
import { errorTexts, filesUnder, scannedService, snapshotsOf } from './secret-scan.ts';

// Distinctive, so a match anywhere is one of these and nothing else.
const PASSPHRASE = `Tusk-KEY-${randomUUID()}`;
const TOKEN = `Tusk-TOKEN-${randomUUID()}`;
const HALF = `Tusk-HALF-${randomUUID()}`;

const shared = sharedServer();
const role = uniqueName('token_user');
await shared.createRole(role, TOKEN);
const tls = await makeTlsFixtures();
const client = await makeClientCertificate(tls, 'cert_user', PASSPHRASE);
const certServer = await startPostgres({
  ssl: { certFile: tls.certFile, keyFile: tls.keyFile, clientCaFile: tls.caFile },
  hba: ['hostssl all cert_user 127.0.0.1/32 cert', 'host all all 127.0.0.1/32 scram-sha-256'],
});
await certServer.admin().query('create role cert_user login');
afterAll(async () => {
  await certServer.dispose();
  await tls.dispose();
});

it('the key passphrase and a command’s token are nowhere: file, snapshots, events, errors, logs, test results', async () => {
  const { service, dataDir, credentials, seen, record, inspected, consoleTexts } =
    await scannedService();

  // A client certificate whose key's passphrase goes to the keyring through save_connection.
  const byCert = configFor(
    { ...certServer, host: 'localhost', user: 'cert_user' },
    {
      sslMode: 'verify-full',
      sslCaCert: tls.caFile,
      sslCert: client.certFile,
      sslKey: client.keyFile,
      sslKeyPassphraseInKeyring: true,
    },
  );
  await service.saveConnection(byCert, undefined, { sslPassword: PASSPHRASE });
  expect(await credentials.getSecret(byCert.id, SSL_KEY_PASSPHRASE)).toBe(PASSPHRASE);
  await service.connect(byCert);
  record('test of the certificate connection', [
    JSON.stringify(await service.testConnection(byCert)),
  ]);
  await service.disconnect(byCert.id);

  // A token command: connects, reconnects (run again), and one that fails after printing.
  process.env.TUSK_SCAN_TOKEN = TOKEN;
  process.env.TUSK_SCAN_HALF = HALF;
  const node = process.execPath;
  const byToken = configFor(
    { ...shared, user: role },
    {
      passwordCommand: { argv: [node, '-e', 'process.stdout.write(process.env.TUSK_SCAN_TOKEN)'] },
    },
  );
  await service.saveConnection(byToken);
  await service.connect(byToken);
  await shared.terminate({ applicationName: byToken.options.applicationName });
  await untilStatus(service, byToken.id, 'connected');
  record('snapshots after reconnect', snapshotsOf(service));
  record('test of the token connection', [JSON.stringify(await service.testConnection(byToken))]);
  await service.disconnect(byToken.id);
  const failing = configFor(
    { ...shared, user: role },
    {
      passwordCommand: {
        argv: [node, '-e', 'process.stdout.write(process.env.TUSK_SCAN_HALF);process.exit(2)'],
      },
    },
  );
  record('failing command', errorTexts(await rejection(service.connect(failing))));
  record('snapshots after the failing command', snapshotsOf(service));

  record('inspection events', inspected);
  record('data directory', await filesUnder(dataDir));
  record('console', consoleTexts());

  expect(seen.length).toBeGreaterThan(30);
  const leaks = seen.filter(({ text }) =>
    [PASSPHRASE, TOKEN, HALF].some((secret) => text.includes(secret)),
  );
  expect(leaks.map((l) => `${l.where}: ${l.text.slice(0, 300)}`)).toEqual([]);
});
