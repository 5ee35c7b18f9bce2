import {
  accountFor,
  DATABASE_PASSWORD,
  type SecretKind,
  type SecretStore,
  secretKinds,
} from './credential-store.ts';

/**
 * Secrets in a Map, for the places that must run without an OS keyring: the terminal demo
 * (CI, a fresh machine, ssh), the benchmarks, which measure the connection layer, not the
 * keyring, and the app where no OS keyring answers (open-store.ts). The app otherwise, and its
 * tests, use the real keyring.
 */
export function createMemoryCredentialStore(): SecretStore {
  const secrets = new Map<string, string>();
  const getSecret = async (id: string, kind: SecretKind) =>
    secrets.get(accountFor(id, kind)) ?? null;
  const setSecret = async (id: string, kind: SecretKind, secret: string) => {
    secrets.set(accountFor(id, kind), secret);
  };
  return {
    getSecret,
    setSecret,
    getPassword: (id) => getSecret(id, DATABASE_PASSWORD),
    setPassword: (id, password) => setSecret(id, DATABASE_PASSWORD, password),
    deleteAll: async (id) => {
      for (const kind of secretKinds) secrets.delete(accountFor(id, kind));
    },
  };
}
