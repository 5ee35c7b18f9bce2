import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConnectionConfig, targetSessionAttrs, validate } from '../config.ts';
import { parseConnectionString } from '../connection-string.ts';
import { toConnectionUrl } from '../connection-url.ts';
import { validConfig } from './config-arbitraries.ts';

const hostName = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('/tmp', '/var/run/postgresql', '/run/user/1000/pg-sock'),
);
const hostPort = fc.record({ host: hostName, port: fc.integer({ min: 1, max: 65_535 }) });

/** validConfig, with host lists, socket directories and libpq's target options too. */
const urlConfig = fc
  .tuple(
    validConfig,
    hostName,
    fc.option(fc.array(hostPort, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.constantFrom(...targetSessionAttrs),
    fc.constantFrom('disable', 'random'),
  )
  .map(([config, host, more, target, balance]) => {
    const port = (config.port as number | undefined) ?? 5432;
    return validate({
      ...config,
      host,
      port,
      ...(more && { hosts: [{ host, port }, ...more] }),
      options: {
        ...(config.options as object),
        targetSessionAttrs: target,
        loadBalanceHosts: balance,
      },
    });
  });

/** The part of a config a URL carries. */
const urlPart = (c: ConnectionConfig) => ({
  host: c.host,
  port: c.port,
  hosts: c.hosts,
  database: c.database,
  username: c.username,
  sslMode: c.sslMode,
  sslCaCert: c.sslCaCert,
  applicationName: c.options.applicationName,
  connectTimeoutSec: c.options.connectTimeoutSec,
  statementTimeoutMs: c.options.statementTimeoutMs,
  readonly: c.options.readonly,
  targetSessionAttrs: c.options.targetSessionAttrs,
  loadBalanceHosts: c.options.loadBalanceHosts,
});

describe('config → URL → config', () => {
  it('gives back every field a URL carries, and never a password', () => {
    fc.assert(
      fc.property(urlConfig, (config) => {
        const url = toConnectionUrl(config);
        const parsed = parseConnectionString(url);
        expect(parsed.password).toBeUndefined();
        const back = validate({ id: config.id, name: config.name, ...parsed.config });
        expect(urlPart(back)).toStrictEqual(urlPart(config));
      }),
      { numRuns: 500 },
    );
  });

  it('writes what psql expects for a plain config', () => {
    const config = validate({
      id: '00000000-0000-4000-8000-000000000000',
      name: 'x',
      host: 'db.example.com',
      database: 'app',
      username: 'me',
      sslMode: 'require',
      options: { readonly: true, applicationName: 'Tusk' },
    });
    expect(toConnectionUrl(config)).toBe(
      'postgresql://me@db.example.com/app?sslmode=require&options=-c%20default_transaction_read_only%3Don',
    );
  });
});
