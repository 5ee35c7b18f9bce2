import { randomUUID } from 'node:crypto';
import { TuskError } from '../../machines/errors.ts';
import type { CredentialStore } from './credential-store.ts';
import { createKeytarStore } from './keytar-store.ts';
import { createMemoryCredentialStore } from './memory-store.ts';

export const NO_KEYRING_NOTICE =
  'No OS keyring was found (no Secret Service is reachable), so passwords are kept in memory ' +
  'for this run only; start Tusk inside a desktop session to keep them.';
const LOCKED_KEYRING_NOTICE =
  'The OS keyring is locked or has no default collection, so passwords are kept in memory ' +
  'for this run only; unlock it and start Tusk again to keep them.';

export interface OpenedCredentials {
  store: CredentialStore;
  /** `keyring` when the OS keyring answered, `memory` when the app fell back to a Map. */
  kind: 'keyring' | 'memory';
  /** Set when the app fell back: what to tell the user, once. */
  notice?: string;
  /** Why the keyring could not be used (the keyring error's own words), for a log. */
  reason?: string;
}

/**
 * The credential store for an app start. The OS keyring is probed with one read of an
 * account nobody has: a machine without a Secret Service (a container, ssh, CI) answers with an
 * error at once, and then passwords go to memory instead, so that the app (and its demo) still
 * work. A probe that does not answer within `timeoutMs` counts as no keyring.
 */
export async function openCredentialStore(
  opts: { keyring?: CredentialStore; timeoutMs?: number } = {},
): Promise<OpenedCredentials> {
  const keyring = opts.keyring ?? createKeytarStore();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the keyring did not answer within ${opts.timeoutMs ?? 5000} ms`)),
      opts.timeoutMs ?? 5000,
    );
  });
  try {
    await Promise.race([keyring.getPassword(randomUUID()), late]);
    return { store: keyring, kind: 'keyring' };
  } catch (error) {
    const reason =
      error instanceof TuskError && error.code ? `${error.code}: ${error.message}` : String(error);
    return {
      store: createMemoryCredentialStore(),
      kind: 'memory',
      notice:
        error instanceof TuskError && error.code === 'KEYRING_LOCKED'
          ? LOCKED_KEYRING_NOTICE
          : NO_KEYRING_NOTICE,
      reason,
    };
  } finally {
    clearTimeout(timer);
  }
}
