export {
  accountFor,
  type CredentialStore,
  DATABASE_PASSWORD,
  type SecretKind,
  type SecretStore,
  SSH_PASSPHRASE,
  SSH_PASSWORD,
  SSL_KEY_PASSPHRASE,
  secretKinds,
} from './credential-store.ts';
export { createKeytarStore, type Keytar, type KeytarStoreOptions } from './keytar-store.ts';
export { createMemoryCredentialStore } from './memory-store.ts';
export { NO_KEYRING_NOTICE, type OpenedCredentials, openCredentialStore } from './open-store.ts';
