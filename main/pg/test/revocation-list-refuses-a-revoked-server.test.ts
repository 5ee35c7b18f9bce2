import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../../test/harness/postgres.ts';
import { makeTlsFixtures } from '../../../test/harness/tls.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

// libpq's sslcrl: a server whose certificate its CA revoked is refused. The CA of this test's
// own server signs two revocation lists: one revoking nothing, one revoking the server.
const run = promisify(execFile);
const tls = await makeTlsFixtures();
const server = await startPostgres({ ssl: { certFile: tls.certFile, keyFile: tls.keyFile } });
afterAll(async () => {
  await server.dispose();
  await tls.dispose();
});
const openssl = (...args: string[]) => run('openssl', args, { cwd: tls.dir });
await writeFile(
  join(tls.dir, 'ca.cnf'),
  '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n',
);
await writeFile(join(tls.dir, 'index.txt'), '');
await writeFile(join(tls.dir, 'crlnumber'), '01\n');
const ca = ['-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.crt'];
await openssl('ca', ...ca, '-gencrl', '-out', 'none-revoked.crl');
await openssl('ca', ...ca, '-revoke', 'server.crt');
await openssl('ca', ...ca, '-gencrl', '-out', 'server-revoked.crl');

const { effects, actors } = effectsPerTest();
const withCrl = (file: string) =>
  configFor(
    { ...server, host: 'localhost' },
    { sslMode: 'verify-full', sslCaCert: tls.caFile, sslCrl: join(tls.dir, file) },
  );

describe('sslcrl', () => {
  it('connects while the list revokes nothing', async () => {
    const actor = startConnection(effects(), withCrl('none-revoked.crl'), {
      password: server.password,
      actors,
    });
    await connected(actor);
    await disconnected(actor);
  });

  it('refuses the server once its certificate is on the list', async () => {
    const actor = startConnection(effects(), withCrl('server-revoked.crl'), {
      password: server.password,
      actors,
    });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError?.code).toBe('CERT_REVOKED');
  });
});
