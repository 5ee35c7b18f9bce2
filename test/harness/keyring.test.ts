import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { expect, test } from 'vitest';

const service = `tusk-test-${randomBytes(6).toString('hex')}`;
const account = 'harness';

// keytar reports a missing Secret Service in libsecret's words; say what to do instead.
async function keyring<T>(step: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new Error(
      `keytar ${step} failed: is a Secret Service reachable? Run the tests with npm test, or ` +
        'wrap the command in scripts/with-keyring.sh (a private D-Bus session with gnome-keyring).',
      { cause },
    );
  }
}

test('keytar stores, reads and deletes a password in the Secret Service', async () => {
  try {
    await keyring('setPassword', () => keytar.setPassword(service, account, 's3cret ✓'));
    expect(await keyring('getPassword', () => keytar.getPassword(service, account))).toBe(
      's3cret ✓',
    );
    expect(await keyring('deletePassword', () => keytar.deletePassword(service, account))).toBe(
      true,
    );
    expect(await keyring('getPassword', () => keytar.getPassword(service, account))).toBeNull();
  } finally {
    await keytar.deletePassword(service, account).catch(() => false);
  }
});
