import { z } from 'zod';
import { channelBindings, parseRequireAuth } from './libpq-auth.ts';

/*
 * The connection config's fields for libpq's TLS, authentication and address keywords
 * (sslcert, sslrootcert=system, channel_binding, require_auth, hostaddr, ...) and the password
 * command, with the rules between them; spread into ConnectionConfigSchema (config.ts). Every
 * field is optional, its absence libpq's default, so configs saved before them stay valid.
 */

/** libpq's sslcertmode: whether a client certificate is sent when the server asks for one. */
export const sslCertModes = ['disable', 'allow', 'require'] as const;
export const tlsVersions = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof tlsVersions)[number];

/** `sslrootcert=system`: the operating system's trust store instead of a CA file. */
export const SYSTEM_ROOTS = 'system';

/**
 * A password command: argv (run without a shell), its standard output the password. Run afresh
 * for every connect and reconnect, for tokens that expire (RDS IAM, Entra ID, Cloud SQL).
 */
export const PasswordCommandSchema = z.object({
  argv: z
    .array(z.string({ error: 'passwordCommand.argv must be text' }), {
      error: 'passwordCommand.argv must be a list of words',
    })
    .min(1, { error: 'passwordCommand needs a program to run' })
    .refine((a) => a[0]!.trim() !== '', { error: 'passwordCommand needs a program to run' }),
  timeoutSec: z
    .int({ error: 'passwordCommand.timeoutSec must be a whole number of seconds' })
    .min(1, { error: 'passwordCommand.timeoutSec must be between 1 and 600' })
    .max(600, { error: 'passwordCommand.timeoutSec must be between 1 and 600' })
    .default(30),
});
export type PasswordCommand = z.infer<typeof PasswordCommandSchema>;

const filePath = (what: string) =>
  z
    .string({ error: `${what} must be a file path` })
    .trim()
    .min(1)
    .optional();

/** The fields, for ConnectionConfigSchema's object. */
export const libpqFields = {
  /** Client certificate and its key (libpq's sslcert / sslkey), for `cert` in pg_hba. */
  sslCert: filePath('sslCert'),
  sslKey: filePath('sslKey'),
  /** The key's passphrase (libpq's sslpassword) is in the keyring, under this connection. */
  sslKeyPassphraseInKeyring: z
    .boolean({ error: 'sslKeyPassphraseInKeyring must be true or false' })
    .optional(),
  sslCertMode: z
    .enum(sslCertModes, { error: `sslCertMode must be one of ${sslCertModes.join(', ')}` })
    .optional(),
  sslCrl: filePath('sslCrl'),
  sslCrlDir: filePath('sslCrlDir'),
  /** libpq's sslsni: send the host name in the TLS handshake (SNI). */
  sslSni: z.boolean({ error: 'sslSni must be true or false' }).optional(),
  sslMinProtocolVersion: z
    .enum(tlsVersions, {
      error: `sslMinProtocolVersion must be one of ${tlsVersions.join(', ')}`,
    })
    .optional(),
  sslMaxProtocolVersion: z
    .enum(tlsVersions, {
      error: `sslMaxProtocolVersion must be one of ${tlsVersions.join(', ')}`,
    })
    .optional(),
  channelBinding: z
    .enum(channelBindings, {
      error: `channelBinding must be one of ${channelBindings.join(', ')}`,
    })
    .optional(),
  /** libpq's require_auth: the methods a server may ask for (or, with `!`, may not). */
  requireAuth: z
    .string({ error: 'requireAuth must be text' })
    .trim()
    .min(1)
    .superRefine((value, ctx) => {
      const parsed = parseRequireAuth(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    })
    .optional(),
  /** libpq's hostaddr: the address to connect to; `host` stays the name TLS checks. */
  hostaddr: z
    .string({ error: 'hostaddr must be an IP address' })
    .trim()
    .refine((s) => /^[0-9.]+$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.%a-zA-Z]*$/.test(s), {
      error: 'hostaddr must be an IP address',
    })
    .optional(),
  /** A password file of libpq's format (passfile), instead of the default one. */
  passfile: filePath('passfile'),
  passwordCommand: PasswordCommandSchema.optional(),
};

interface Checked {
  sslMode: string;
  sslCaCert?: string | undefined;
  sslCert?: string | undefined;
  sslKey?: string | undefined;
  passwordInKeyring: boolean;
  passwordCommand?: unknown;
  sslMinProtocolVersion?: string | undefined;
  sslMaxProtocolVersion?: string | undefined;
}

/** The rules between them (and with sslMode and the keyring), as libpq states them. */
export function checkLibpqFields(c: Checked, ctx: z.RefinementCtx): void {
  if (c.sslCaCert === SYSTEM_ROOTS && c.sslMode !== 'verify-full') {
    ctx.addIssue({
      code: 'custom',
      path: ['sslMode'],
      message: `weak sslmode "${c.sslMode}" may not be used with sslrootcert=system (use "verify-full")`,
    });
  }
  if (c.sslKey && !c.sslCert) {
    ctx.addIssue({
      code: 'custom',
      path: ['sslCert'],
      message: 'a client key needs its certificate (sslCert)',
    });
  }
  if (c.passwordCommand && c.passwordInKeyring) {
    ctx.addIssue({
      code: 'custom',
      path: ['passwordCommand'],
      message: 'the password comes from the keyring or from a command, not both',
    });
  }
  const order = (v?: string) => (v ? tlsVersions.indexOf(v as TlsVersion) : -1);
  if (
    c.sslMinProtocolVersion &&
    c.sslMaxProtocolVersion &&
    order(c.sslMinProtocolVersion) > order(c.sslMaxProtocolVersion)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['sslMaxProtocolVersion'],
      message: 'invalid SSL protocol version range',
    });
  }
}
