import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SSL_KEY_PASSPHRASE } from '../credentials/index.ts';
import { startService } from './helpers.ts';
import { filesUnder } from './secret-scan.ts';

const PASSPHRASE = 'svc-key-Phr4se';
const home = await mkdtemp(join(tmpdir(), 'tusk-home-'));
afterAll(() => rm(home, { recursive: true, force: true }));

it("a service's sslpassword is saved in the keyring, the config only says it is there", async () => {
  await writeFile(
    join(home, '.pg_service.conf'),
    `[certs]\nhost=db.example\nsslmode=verify-full\nsslrootcert=system\nsslcert=/c/client.pem\nsslkey=/c/client.key\nsslpassword=${PASSPHRASE}\n`,
  );
  const { service, credentials, dataDir } = await startService({
    pgFiles: { env: { USER: 'tester', PGSYSCONFDIR: join(home, 'none') }, home },
  });
  const result = await service.importServiceFile();
  expect(result.skipped).toEqual([]);
  const [saved] = (await service.listConnections()).map((c) => c.config);
  expect(saved).toMatchObject({ sslCert: '/c/client.pem', sslKeyPassphraseInKeyring: true });
  expect(await credentials.getSecret(saved!.id, SSL_KEY_PASSPHRASE)).toBe(PASSPHRASE);
  expect(JSON.stringify(saved)).not.toContain(PASSPHRASE);
  for (const text of await filesUnder(dataDir)) expect(text).not.toContain(PASSPHRASE);
});
