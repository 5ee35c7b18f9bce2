import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addHostKey,
  checkHostKey,
  fingerprintOf,
  type HostKey,
  hostKeyOf,
  knownHostsName,
} from '../known-hosts.ts';

/** An ed25519 public key as the SSH wire-format blob, as a server presents it. */
function ed25519(): HostKey {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const withLength = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length, 0);
    return Buffer.concat([length, b]);
  };
  return hostKeyOf(Buffer.concat([withLength(Buffer.from('ssh-ed25519')), withLength(raw)]));
}

const line = (name: string, key: HostKey) => `${name} ${key.type} ${key.blob.toString('base64')}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tusk-known-hosts-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = async (lines: string[]) => {
  const path = join(dir, `kh-${randomBytes(4).toString('hex')}`);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
};

describe('known_hosts, read as ssh(1) reads it', () => {
  const key = ed25519();
  const other = ed25519();
  const name = knownHostsName('db.example', 2222);

  it('files a host off port 22 as [host]:port', () => {
    expect(knownHostsName('db.example', 22)).toBe('db.example');
    expect(name).toBe('[db.example]:2222');
  });

  it('prints the fingerprint as ssh-keygen -l does: SHA256, base64 without padding', () => {
    expect(fingerprintOf(key.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it.each([
    ['a plain entry', (n: string) => n],
    ['a hashed entry', hashed],
    ['one name of a list', (n: string) => `other.example,${n}`],
    ['a wildcard', () => '[db.*]:2222'],
  ])('knows the key from %s', async (_, pattern) => {
    expect(await checkHostKey([await file([line(pattern(name), key)])], name, key)).toBe('known');
  });

  it('does not know the host on another port, or behind a negated pattern', async () => {
    expect(await checkHostKey([await file([line('db.example', key)])], name, key)).toBe('unknown');
    const negated = await file([line(`[db.*]:2222,!${name}`, key)]);
    expect(await checkHostKey([negated], name, key)).toBe('unknown');
  });

  it('calls another key of the same type for the host changed, plain or hashed', async () => {
    expect(await checkHostKey([await file([line(name, other)])], name, key)).toBe('changed');
    expect(await checkHostKey([await file([line(hashed(name), other)])], name, key)).toBe(
      'changed',
    );
  });

  it('refuses a revoked key even where it is also listed', async () => {
    const revoked = await file([
      line(name, key),
      `@revoked * ${key.type} ${key.blob.toString('base64')}`,
    ]);
    expect(await checkHostKey([revoked], name, key)).toBe('changed');
  });

  it('reads several files and skips missing ones, comments and blank lines', async () => {
    const own = await file(['# comment', '', line(name, key)]);
    expect(await checkHostKey([join(dir, 'missing'), own], name, key)).toBe('known');
  });

  it('appends an accepted key to a file it creates 0600', async () => {
    const path = join(dir, 'sub', 'known_hosts');
    await addHostKey(path, name, key);
    expect(await readFile(path, 'utf8')).toBe(`${line(name, key)}\n`);
    expect(await checkHostKey([path], name, key)).toBe('known');
    const { stat } = await import('node:fs/promises');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
