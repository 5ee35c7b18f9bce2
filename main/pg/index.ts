export {
  createPgEffects,
  OneOffPasswords,
  type PasswordSource,
  type PgEffects,
  type PgEffectsOptions,
  readPassword,
} from './effects.ts';
export { toTuskError } from './errors.ts';
export { readKeyPassphrase } from './key-passphrase.ts';
export { PinnedSession } from './pinned.ts';
export { type QueryField, type QueryResultView, type RunQueryOptions, runQuery } from './query.ts';
export { PgSession, PING_SQL } from './session.ts';
export { SessionTable } from './sessions.ts';
