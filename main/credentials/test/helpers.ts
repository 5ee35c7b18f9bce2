import { randomUUID } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { createKeytarStore, type Keytar, type SecretStore } from '../index.ts';

/** keytar itself, to check what really sits in the keyring under which account. */
export async function rawKeytar(): Promise<Keytar> {
  const module: Keytar & { default?: Keytar } = await import('keytar');
  return module.default ?? module;
}

/**
 * A store on a service name of its own, so tests never meet each other's secrets or the
 * user's; every connection id it hands out is wiped from the keyring after the test.
 */
export function isolatedStore(): { store: SecretStore; service: string; newId: () => string } {
  const service = `tusk-test-${randomUUID()}`;
  const store = createKeytarStore({ service });
  const ids: string[] = [];
  onTestFinished(async () => {
    for (const id of ids) await store.deleteAll(id);
  });
  const newId = () => {
    const id = randomUUID();
    ids.push(id);
    return id;
  };
  return { store, service, newId };
}
