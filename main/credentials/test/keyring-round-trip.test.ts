import { describe, expect, it } from 'vitest';
import { createKeytarStore } from '../index.ts';
import { isolatedStore, rawKeytar } from './helpers.ts';

describe('keyring round trip (real gnome-keyring)', () => {
  it('sets, gets, replaces and deletes a password', async () => {
    const { store, newId } = isolatedStore();
    const id = newId();
    expect(await store.getPassword(id)).toBeNull();

    await store.setPassword(id, 'first p@ss wörd ✓');
    expect(await store.getPassword(id)).toBe('first p@ss wörd ✓');
    await store.setPassword(id, 'second');
    expect(await store.getPassword(id)).toBe('second');

    await store.deleteAll(id);
    expect(await store.getPassword(id)).toBeNull();
    await store.deleteAll(id);
  });

  it('files the password under the service, with the connection id as the account', async () => {
    const { store, service, newId } = isolatedStore();
    const id = newId();
    await store.setPassword(id, 's3cret');
    expect(await (await rawKeytar()).getPassword(service, id)).toBe('s3cret');
  });

  it('keeps connections and services apart', async () => {
    const { store, service, newId } = isolatedStore();
    const [one, two] = [newId(), newId()];
    await store.setPassword(one, 'one');
    await store.setPassword(two, 'two');
    expect(await store.getPassword(one)).toBe('one');
    expect(await store.getPassword(two)).toBe('two');

    const otherService = createKeytarStore({ service: `${service}-other` });
    expect(await otherService.getPassword(one)).toBeNull();
  });

  it('refuses an id that is not a UUID before touching the keyring', async () => {
    const { store } = isolatedStore();
    await expect(store.getPassword('x:ssh-password')).rejects.toMatchObject({
      kind: 'InvalidInput',
      field: 'connectionId',
    });
  });
});
