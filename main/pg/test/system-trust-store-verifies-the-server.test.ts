import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sharedServer } from '../../../test/harness/shared.ts';
import { makeTlsFixtures } from '../../../test/harness/tls.ts';
import {
  configFor,
  connected,
  disconnected,
  effectsPerTest,
  startConnection,
  waitForStatus,
} from './fixtures.ts';

// sslrootcert=system reads OpenSSL's default store, which SSL_CERT_FILE and SSL_CERT_DIR
// replace: a store made for this test holds the throw-away CA the shared server's certificate
// chains to, and an empty directory stands in for the distribution's hashed certificates.
const server = sharedServer();
const { effects, actors } = effectsPerTest();
const emptyDir = await mkdtemp(join(tmpdir(), 'tusk-empty-certs-'));
const stranger = await makeTlsFixtures();
const saved = { file: process.env.SSL_CERT_FILE, dir: process.env.SSL_CERT_DIR };
const restore = (name: 'SSL_CERT_FILE' | 'SSL_CERT_DIR', value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};
afterEach(() => {
  restore('SSL_CERT_FILE', saved.file);
  restore('SSL_CERT_DIR', saved.dir);
});
afterAll(async () => {
  await rm(emptyDir, { recursive: true, force: true });
  await stranger.dispose();
});

const systemRoots = () =>
  configFor({ ...server, host: 'localhost' }, { sslMode: 'verify-full', sslCaCert: 'system' });

describe('sslrootcert=system', () => {
  it('connects when the system trust store holds the CA (SSL_CERT_FILE)', async () => {
    process.env.SSL_CERT_FILE = server.caFile;
    process.env.SSL_CERT_DIR = emptyDir;
    const config = systemRoots();
    const actor = startConnection(effects(), config, { password: server.password, actors });
    const { context } = await connected(actor);
    expect(context.server?.ssl).toBe(true);
    await disconnected(actor);
  });

  it('is refused when the store holds another CA', async () => {
    process.env.SSL_CERT_FILE = stranger.caFile;
    process.env.SSL_CERT_DIR = emptyDir;
    const config = systemRoots();
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError).toMatchObject({
      kind: 'ConnectionFailed',
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/),
    });
    expect(await server.backends({ applicationName: config.options.applicationName })).toEqual([]);
  });

  it("is refused by the machine's own store, which never saw the throw-away CA", async () => {
    delete process.env.SSL_CERT_FILE;
    delete process.env.SSL_CERT_DIR;
    const config = systemRoots();
    const actor = startConnection(effects(), config, { password: server.password, actors });
    actor.send({ type: 'CONNECT' });
    const { context } = await waitForStatus(actor, 'error');
    expect(context.lastError?.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });

  it('takes the CA from SSL_CERT_DIR (hashed names, as c_rehash makes them) too', async () => {
    const { execFile } = await import('node:child_process');
    const { copyFile } = await import('node:fs/promises');
    const hash = await new Promise<string>((resolve, reject) =>
      execFile('openssl', ['x509', '-hash', '-noout', '-in', server.caFile], (e, out) =>
        e ? reject(e) : resolve(out.trim()),
      ),
    );
    const dir = await mkdtemp(join(tmpdir(), 'tusk-hashed-certs-'));
    try {
      await copyFile(server.caFile, join(dir, `${hash}.0`));
      process.env.SSL_CERT_FILE = stranger.caFile;
      process.env.SSL_CERT_DIR = dir;
      const actor = startConnection(effects(), systemRoots(), {
        password: server.password,
        actors,
      });
      await connected(actor);
      await disconnected(actor);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
