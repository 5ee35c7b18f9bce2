/** Where connection passwords live: keyed by connection id, never in the config or its file. */
export interface CredentialStore {
  getPassword(connectionId: string): Promise<string | null>;
  setPassword(connectionId: string, password: string): Promise<void>;
  /** Removes the database password and every other secret kept for the connection. */
  deleteAll(connectionId: string): Promise<void>;
}

export const DATABASE_PASSWORD = 'password';
export const SSH_PASSWORD = 'ssh-password';
export const SSH_PASSPHRASE = 'ssh-passphrase';
/** The passphrase of a connection's TLS client key (libpq's sslpassword). */
export const SSL_KEY_PASSPHRASE = 'ssl-key-passphrase';

/** Every kind of secret a connection can have; `deleteAll` removes each of them. */
export const secretKinds = [
  DATABASE_PASSWORD,
  SSH_PASSWORD,
  SSH_PASSPHRASE,
  SSL_KEY_PASSPHRASE,
] as const;
export type SecretKind = (typeof secretKinds)[number];

/** A credential store that also keeps the SSH tunnel's secrets. */
export interface SecretStore extends CredentialStore {
  getSecret(connectionId: string, kind: SecretKind): Promise<string | null>;
  setSecret(connectionId: string, kind: SecretKind, secret: string): Promise<void>;
}

/**
 * The keyring account for a secret: the bare connection id for the database password (what
 * earlier builds and other tools expect), `<id>:<kind>` for the others.
 */
export function accountFor(connectionId: string, kind: SecretKind): string {
  return kind === DATABASE_PASSWORD ? connectionId : `${connectionId}:${kind}`;
}
