import { describe, expect, it } from 'vitest';
import { DEFAULTS, validate } from '../config.ts';
import { configWith, ID, minimalConfig } from './config-fixtures.ts';

describe('validate fills in defaults', () => {
  it('completes the minimal config to the documented defaults, and nothing else', () => {
    expect(validate(minimalConfig())).toStrictEqual({
      id: ID,
      name: 'Local',
      host: 'db.example.com',
      port: 5432,
      database: 'app',
      username: 'alice',
      passwordInKeyring: false,
      sslMode: 'prefer',
      sslNegotiation: 'postgres',
      options: {
        applicationName: 'Tusk',
        connectTimeoutSec: 10,
        readonly: false,
        keepaliveIntervalSec: 60,
        poolMax: 10,
        maxReconnectAttempts: 20,
        targetSessionAttrs: 'any',
        loadBalanceHosts: 'disable',
      },
    });
  });

  it('exports the same defaults it applies', () => {
    expect(DEFAULTS).toMatchObject({
      port: 5432,
      applicationName: 'Tusk',
      connectTimeoutSec: 10,
      keepaliveIntervalSec: 60,
      poolMax: 10,
      maxReconnectAttempts: 20,
    });
  });

  it('treats an explicit undefined like a missing key', () => {
    const parsed = validate(
      configWith({ port: undefined, sslMode: undefined, options: undefined }),
    );
    expect(parsed.port).toBe(5432);
    expect(parsed.sslMode).toBe('prefer');
    expect(parsed.options.poolMax).toBe(10);
  });

  it('fills the options that are missing and keeps the ones given', () => {
    const parsed = validate(configWith({ options: { poolMax: 3, readonly: true } }));
    expect(parsed.options).toStrictEqual({
      applicationName: 'Tusk',
      connectTimeoutSec: 10,
      readonly: true,
      keepaliveIntervalSec: 60,
      poolMax: 3,
      maxReconnectAttempts: 20,
      targetSessionAttrs: 'any',
      loadBalanceHosts: 'disable',
    });
  });

  it('never overrides a value that was given', () => {
    const given = {
      port: 6543,
      passwordInKeyring: true,
      sslMode: 'require',
      options: {
        applicationName: 'psql',
        connectTimeoutSec: 3,
        statementTimeoutMs: 0,
        readonly: true,
        keepaliveIntervalSec: 15,
        poolMax: 1,
        maxReconnectAttempts: 0,
      },
    };
    expect(validate(configWith(given))).toMatchObject(given);
  });

  it('leaves statementTimeoutMs unset rather than inventing a limit', () => {
    expect(validate(minimalConfig()).options).not.toHaveProperty('statementTimeoutMs');
  });

  it('does not modify its input', () => {
    const input = configWith({ options: { poolMax: 5 } });
    const copy = structuredClone(input);
    validate(input);
    expect(input).toStrictEqual(copy);
  });
});
