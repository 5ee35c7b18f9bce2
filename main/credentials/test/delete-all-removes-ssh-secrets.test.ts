import { describe, expect, it } from 'vitest';
import { SSH_PASSPHRASE, SSH_PASSWORD, secretKinds } from '../index.ts';
import { isolatedStore, rawKeytar } from './helpers.ts';

describe('deleteAll', () => {
  it('removes the database password and both SSH secrets of that connection only', async () => {
    const { store, service, newId } = isolatedStore();
    const [doomed, kept] = [newId(), newId()];
    for (const id of [doomed, kept]) {
      await store.setPassword(id, `db-${id}`);
      await store.setSecret(id, SSH_PASSWORD, `ssh-${id}`);
      await store.setSecret(id, SSH_PASSPHRASE, `key-${id}`);
    }
    const keytar = await rawKeytar();
    expect(await keytar.getPassword(service, `${doomed}:ssh-password`)).toBe(`ssh-${doomed}`);
    expect(await keytar.getPassword(service, `${doomed}:ssh-passphrase`)).toBe(`key-${doomed}`);

    await store.deleteAll(doomed);

    for (const kind of secretKinds) expect(await store.getSecret(doomed, kind)).toBeNull();
    for (const account of [doomed, `${doomed}:ssh-password`, `${doomed}:ssh-passphrase`]) {
      expect(await keytar.getPassword(service, account)).toBeNull();
    }
    expect(await store.getPassword(kept)).toBe(`db-${kept}`);
    expect(await store.getSecret(kept, SSH_PASSWORD)).toBe(`ssh-${kept}`);
    expect(await store.getSecret(kept, SSH_PASSPHRASE)).toBe(`key-${kept}`);
  });

  it('removes SSH secrets even when no database password was ever stored', async () => {
    const { store, newId } = isolatedStore();
    const id = newId();
    await store.setSecret(id, SSH_PASSPHRASE, 'passphrase');
    await store.deleteAll(id);
    expect(await store.getSecret(id, SSH_PASSPHRASE)).toBeNull();
  });
});
