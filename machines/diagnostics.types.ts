import type { CredentialSource } from './connection.types.ts';
import type { TuskErrorData } from './errors.ts';

/**
 * The steps of a connection test, in the order they run. Through an SSH tunnel the SSH stages
 * come first (TCP to the SSH server, its handshake and host key, the login, a forwarded channel
 * to the database); `dns` and `tcp` are then the SSH server's business and are not run.
 */
export const testStageNames = [
  'ssh-tcp',
  'ssh-handshake',
  'ssh-auth',
  'forward',
  'dns',
  'tcp',
  'tls',
  'auth',
  'server',
] as const;
export type TestStageName = (typeof testStageNames)[number];

/** One step of a connection test. Stages after the first failure are absent from the result. */
export interface TestStage {
  name: TestStageName;
  /** How long the stage took, from `performance.now()`. */
  ms: number;
  ok: boolean;
  /** What the stage found: addresses, the TLS protocol and certificate, the server version. */
  detail?: string;
  /** Why a failed stage failed; never holds the password. */
  error?: TuskErrorData;
  /** What the user could do about the failure, in plain words. */
  hint?: string;
}

/** What "Test connection" reports. A failed test resolves with `success: false`; it never rejects. */
export interface TestConnectionResult {
  success: boolean;
  /** `select version()`. */
  version?: string;
  /** pg_postmaster_start_time(), ISO 8601. */
  startedAt?: string;
  /** From the start of the first stage to the end of the last one run. */
  latencyMs: number;
  stages: TestStage[];
  /** Where the password came from (keyring, libpq's password file, given for the test, none). */
  passwordSource?: CredentialSource;
  /** The host and port the stages are about: the one that passed, or the last one tried. */
  host?: string;
  port?: number;
  /** With several hosts: each host tried, in order, and the stage it failed at. */
  attempts?: {
    host: string;
    port: number;
    ok: boolean;
    stage?: TestStageName;
    error?: TuskErrorData;
  }[];
}
