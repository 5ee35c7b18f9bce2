import type { CredentialStore } from './credential-store.ts';

/**
 * Passwords in a Map, for the places that must run without an OS keyring: the terminal demo
 * (CI, a fresh machine, ssh), the benchmarks, which measure the connection layer, not the
 * keyring, and the app where no OS keyring answers (open-store.ts). The app otherwise, and its
 * tests, use the real keyring.
 */
export function createMemoryCredentialStore(): CredentialStore {
  const passwords = new Map<string, string>();
  return {
    getPassword: async (id) => passwords.get(id) ?? null,
    setPassword: async (id, password) => {
      passwords.set(id, password);
    },
    deleteAll: async (id) => {
      passwords.delete(id);
    },
  };
}
