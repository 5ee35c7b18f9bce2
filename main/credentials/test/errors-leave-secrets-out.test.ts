import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { TuskError } from '../../../machines/errors.ts';
import { createKeytarStore, type Keytar, SSH_PASSWORD } from '../index.ts';

const id = '0b6f7f43-4a8f-4c39-9d2e-8d6f3f9d6a11';
const secret = 'correct horse battery staple';

/** A keytar whose every call fails with `message`. */
const failingKeytar = (message: (secret?: string) => string): Keytar => ({
  getPassword: async () => Promise.reject(new Error(message())),
  setPassword: async (_s, _a, password) => Promise.reject(new Error(message(password))),
  deletePassword: async () => Promise.reject(new Error(message())),
});

describe('keyring errors leave secrets out', () => {
  it('cuts the secret out of a failure that echoes it, message and cause alike', async () => {
    const keytar = failingKeytar((s) => `Cannot create an item: bad value "${s}"`);
    const store = createKeytarStore({ service: 'tusk-test', load: async () => keytar });

    for (const attempt of [
      store.setPassword(id, secret),
      store.setSecret(id, SSH_PASSWORD, secret),
    ]) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TuskError);
      expect((error as TuskError).kind).toBe('Storage');
      expect(inspect(error, { depth: 9 })).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect((error as TuskError).message).toContain('[redacted]');
    }
  });

  it('names the connection and the kind of secret, so the user knows which one failed', async () => {
    const keytar = failingKeytar(() => 'Cannot autolaunch D-Bus without X11 $DISPLAY');
    const store = createKeytarStore({ service: 'tusk-test', load: async () => keytar });
    await expect(store.getSecret(id, SSH_PASSWORD)).rejects.toThrow(
      `Cannot read the SSH password of connection ${id} in the system keyring: no Secret Service`,
    );
  });

  it('loads keytar only when first needed, and reports a missing libsecret', async () => {
    const load = vi.fn(async (): Promise<Keytar> => {
      throw new Error(
        'libsecret-1.so.0: cannot open shared object file: No such file or directory',
      );
    });
    const store = createKeytarStore({ load });
    expect(load).not.toHaveBeenCalled();

    await expect(store.setPassword(id, secret)).rejects.toMatchObject({
      kind: 'Storage',
      code: 'KEYRING_UNAVAILABLE',
      message: expect.stringContaining('install libsecret-1-0'),
    });
    await expect(store.getPassword(id)).rejects.toMatchObject({ kind: 'Storage' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('says an unlock is needed when the keyring has no usable default collection', async () => {
    const keytar = failingKeytar(
      () => 'Object does not exist at path “/org/freedesktop/secrets/collection/login”',
    );
    const store = createKeytarStore({ load: async () => keytar });
    await expect(store.setPassword(id, secret)).rejects.toMatchObject({
      kind: 'Storage',
      code: 'KEYRING_LOCKED',
      message: expect.stringContaining('Unlock the login keyring'),
    });
  });
});
