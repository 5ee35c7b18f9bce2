import { describe, expect, it } from 'vitest';
import {
  ConnectionConfigSchema,
  ConnectionOptionsSchema,
  SshTunnelSchema,
  validate,
} from '../config.ts';
import { TuskError } from '../errors.ts';
import { configWith, enabledTunnel } from './config-fixtures.ts';

const SECRET = 'hunter2-do-not-log';

const withSecrets = (patch: Record<string, unknown> = {}) =>
  configWith({
    password: SECRET,
    extra: { nested: SECRET },
    options: { password: SECRET, poolMax: 2 },
    sshTunnel: enabledTunnel({ password: SECRET, passphrase: SECRET }),
    ...patch,
  });

describe('validate strips unknown keys', () => {
  it('drops a stray password at the top level, in options and in sshTunnel', () => {
    const parsed = validate(withSecrets());
    expect(parsed).not.toHaveProperty('password');
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed.options).not.toHaveProperty('password');
    expect(parsed.sshTunnel).not.toHaveProperty('password');
    expect(parsed.sshTunnel).not.toHaveProperty('passphrase');
    expect(JSON.stringify(parsed)).not.toContain(SECRET);
  });

  it('keeps only the keys the schema defines', () => {
    const parsed = validate(
      withSecrets({ sshTunnel: enabledTunnel({ auth: 'key', keyPath: 'k' }) }),
    );
    const known = (schema: { shape: object }) => Object.keys(schema.shape);
    expect(known(ConnectionConfigSchema)).toEqual(expect.arrayContaining(Object.keys(parsed)));
    expect(known(ConnectionOptionsSchema)).toEqual(
      expect.arrayContaining(Object.keys(parsed.options)),
    );
    expect(known(SshTunnelSchema)).toEqual(expect.arrayContaining(Object.keys(parsed.sshTunnel!)));
  });

  it('does not echo the stray password in the error for an otherwise invalid config', () => {
    let thrown: unknown;
    try {
      validate(withSecrets({ host: '', options: { password: SECRET, poolMax: 0 } }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TuskError);
    const error = thrown as TuskError;
    expect(error.kind).toBe('InvalidInput');
    expect(error.message).not.toContain(SECRET);
    expect(String(error.stack)).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('does not echo an invalid value itself, which may be a mistyped secret', () => {
    const attempt = () => validate(configWith({ username: 7, port: SECRET, sslMode: SECRET }));
    expect(attempt).toThrow(TuskError);
    expect(attempt).not.toThrow(SECRET);
  });
});
