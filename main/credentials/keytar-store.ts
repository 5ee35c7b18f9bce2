import { z } from 'zod';
import { TuskError } from '../../machines/errors.ts';
import {
  accountFor,
  DATABASE_PASSWORD,
  type SecretKind,
  type SecretStore,
  secretKinds,
} from './credential-store.ts';
import { keyringError, keytarMissing } from './keyring-errors.ts';

/** The part of keytar this store uses. */
export type Keytar = Pick<
  typeof import('keytar'),
  'getPassword' | 'setPassword' | 'deletePassword'
>;

export interface KeytarStoreOptions {
  /** The keyring service name every secret is filed under. */
  service?: string;
  /** Loads keytar. The default imports it on first use, so without libsecret only this fails. */
  load?: () => Promise<Keytar>;
}

const names: Record<SecretKind, string> = {
  password: 'database password',
  'ssh-password': 'SSH password',
  'ssh-passphrase': 'SSH key passphrase',
  'ssl-key-passphrase': 'TLS client key passphrase',
};

const connectionId = z.uuid();

/** Connection secrets in the OS keyring (the Secret Service on Linux) through keytar. */
export function createKeytarStore({
  service = 'tusk',
  load = importKeytar,
}: KeytarStoreOptions = {}): SecretStore {
  let loading: Promise<Keytar> | undefined;
  const keytar = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw keytarMissing(error);
    });
    return loading;
  };

  async function run<T>(
    id: unknown,
    kind: unknown,
    verb: string,
    use: (k: Keytar, account: string) => Promise<T>,
    secret?: string,
  ): Promise<T> {
    if (!connectionId.safeParse(id).success) {
      throw new TuskError({
        kind: 'InvalidInput',
        message: 'connectionId must be a UUID',
        field: 'connectionId',
      });
    }
    if (!(secretKinds as readonly unknown[]).includes(kind)) {
      throw new TuskError({
        kind: 'InvalidInput',
        message: `secret kind must be one of ${secretKinds.join(', ')}`,
        field: 'kind',
      });
    }
    const k = await keytar();
    const action = `${verb} the ${names[kind as SecretKind]} of connection ${id} in the system keyring`;
    try {
      return await use(k, accountFor(id as string, kind as SecretKind));
    } catch (error) {
      throw keyringError(action, error, secret);
    }
  }

  const getSecret = (id: string, kind: SecretKind) =>
    run(id, kind, 'read', (k, account) => k.getPassword(service, account));

  const setSecret = async (id: string, kind: SecretKind, secret: string) => {
    if (typeof secret !== 'string') {
      throw new TuskError({ kind: 'InvalidInput', message: 'a secret must be text', field: kind });
    }
    await run(id, kind, 'save', (k, account) => k.setPassword(service, account, secret), secret);
  };

  return {
    getSecret,
    setSecret,
    getPassword: (id) => getSecret(id, DATABASE_PASSWORD),
    setPassword: (id, password) => setSecret(id, DATABASE_PASSWORD, password),
    deleteAll: async (id) => {
      for (const kind of secretKinds) {
        await run(id, kind, 'delete', (k, account) => k.deletePassword(service, account));
      }
    },
  };
}

async function importKeytar(): Promise<Keytar> {
  // keytar is CommonJS: its functions are on the default export.
  const module: Keytar & { default?: Keytar } = await import('keytar');
  return module.default ?? module;
}
