import type { ConnectionConfig } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';

import { SSL_KEY_PASSPHRASE } from '../credentials/credential-store.ts';

/** What the effects need from the keyring for it. */
export interface KeyPassphraseSource {
  getSecret?(connectionId: string, kind: typeof SSL_KEY_PASSPHRASE): Promise<string | null>;
}

/**
 * The client key's passphrase, when the config keeps one in the keyring: read afresh for each
 * open, like the password, and handed to the session only (never to an actor's input or output).
 */
export async function readKeyPassphrase(
  config: ConnectionConfig,
  credentials: KeyPassphraseSource | undefined,
): Promise<string | undefined> {
  if (!config.sslKeyPassphraseInKeyring || !config.sslCert) return undefined;
  if (!credentials?.getSecret) {
    throw new TuskError({
      kind: 'CredentialNotFound',
      message: `No passphrase for the client key of "${config.name}": no keyring is available`,
    });
  }
  const secret = await credentials.getSecret(config.id, SSL_KEY_PASSPHRASE);
  if (secret === null) {
    throw new TuskError({
      kind: 'CredentialNotFound',
      message: `No passphrase for the client key of "${config.name}": it is not in the keyring`,
    });
  }
  return secret;
}
