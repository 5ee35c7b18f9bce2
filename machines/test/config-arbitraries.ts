import fc from 'fast-check';
import { sslModes } from '../config.ts';

type Config = Record<string, unknown>;

// Letters, digits, punctuation, inner spaces and non-ASCII text: what users type into a form.
const textUnit = fc.constantFrom(...'abcXYZ019 _-.é漢🐘');
const text = (maxLength: number) =>
  fc.string({ unit: textUnit, minLength: 1, maxLength }).filter((s) => s.trim() !== '');
const wholeButNot = (lo: number, hi: number) =>
  fc.oneof(
    fc.constantFrom(lo - 1, hi + 1),
    fc.maxSafeInteger().filter((n) => n < lo || n > hi),
  );
const fraction = fc.double().filter((d) => !Number.isInteger(d));
const notAnInteger = fc.oneof(fraction, fc.string(), fc.boolean(), fc.constant(null));
const blank = fc.constantFrom(undefined, '', '   ', '\t\n');
const controlChar = fc.constantFrom('\u0000', '\u0007', '\n', '\u001b', '\u007f', '\u0085');
const withControl = fc
  .tuple(text(20), controlChar, text(20))
  .map(([a, c, b]) => `${a.trim()}${c}${b.trim()}`);

export const validTunnel = fc.oneof(
  fc.record(
    {
      enabled: fc.boolean(),
      host: fc.domain(),
      port: fc.integer({ min: 1, max: 65_535 }),
      username: text(20),
      auth: fc.constantFrom('password', 'agent'),
    },
    { requiredKeys: ['enabled', 'host', 'username', 'auth'] },
  ),
  fc.record({
    enabled: fc.boolean(),
    host: fc.domain(),
    username: text(20),
    auth: fc.constant('key'),
    keyPath: text(40),
  }),
  fc.record({ enabled: fc.constant(false), auth: fc.constantFrom('password', 'key', 'agent') }),
);

export const validOptions = fc.record(
  {
    applicationName: fc.string({ unit: 'grapheme-ascii', maxLength: 63 }),
    connectTimeoutSec: fc.integer({ min: 1, max: 600 }),
    statementTimeoutMs: fc.integer({ min: 0, max: 2_147_483_647 }),
    readonly: fc.boolean(),
    keepaliveIntervalSec: fc.integer({ min: 1, max: 86_400 }),
    poolMax: fc.integer({ min: 1, max: 100 }),
    maxReconnectAttempts: fc.integer({ min: 0, max: 10_000 }),
  },
  { requiredKeys: [] },
);

const ssl = fc.oneof(
  fc.record({ sslMode: fc.constantFrom('disable', 'prefer', 'require') }, { requiredKeys: [] }),
  fc.record({ sslMode: fc.constantFrom(...sslModes), sslCaCert: text(60) }),
  fc.record({
    sslMode: fc.constantFrom('require', 'verify-full'),
    sslCaCert: text(60),
    sslNegotiation: fc.constant('direct'),
  }),
);

/** Configs valid by construction, reaching every optional part of the schema. */
export const validConfig: fc.Arbitrary<Config> = fc
  .tuple(
    fc.record(
      {
        id: fc.uuid(),
        name: text(200),
        host: fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6()),
        port: fc.integer({ min: 1, max: 65_535 }),
        database: text(63),
        username: text(63),
        passwordInKeyring: fc.boolean(),
        sshTunnel: validTunnel,
        options: validOptions,
        groupId: fc.uuid(),
        color: fc.stringMatching(/^#[0-9a-fA-F]{6}$/),
        lastConnectedAt: fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
      },
      { requiredKeys: ['id', 'name', 'host', 'database', 'username'] },
    ),
    ssl,
  )
  .map(([config, sslPart]) => ({ ...config, ...sslPart }));

/** One way to break a valid config, and the field the error must then name. */
export interface Breaker {
  field: string;
  values: fc.Arbitrary<unknown>;
  apply: (config: Config, value: unknown) => Config;
}

const top = (field: string, values: fc.Arbitrary<unknown>): Breaker => ({
  field,
  values,
  apply: (config, value) => ({ ...config, [field]: value }),
});
const option = (key: string, values: fc.Arbitrary<unknown>): Breaker => ({
  field: `options.${key}`,
  values,
  apply: (config, value) => ({
    ...config,
    options: { ...(config.options as Config | undefined), [key]: value },
  }),
});
const tunnel = (key: string, values: fc.Arbitrary<unknown>, extra: Config = {}): Breaker => ({
  field: `sshTunnel.${key}`,
  values,
  apply: (config, value) => ({
    ...config,
    sshTunnel: {
      enabled: true,
      host: 'bastion',
      username: 'u',
      auth: 'agent',
      ...extra,
      [key]: value,
    },
  }),
});

export const breakers: Breaker[] = [
  top('id', fc.oneof(fc.string({ maxLength: 35 }), fc.integer(), fc.constant(undefined))),
  top(
    'name',
    fc.oneof(
      blank,
      withControl,
      text(20).map((s) => `${s.trim()}${'n'.repeat(200)}`),
    ),
  ),
  top(
    'host',
    fc.oneof(
      blank,
      withControl,
      fc.tuple(text(10), text(10)).map(([a, b]) => `${a.trim()} ${b.trim()}`),
    ),
  ),
  top('port', fc.oneof(wholeButNot(1, 65_535), notAnInteger, fc.integer().map(String))),
  top('database', fc.oneof(blank, withControl, fc.integer())),
  top('username', fc.oneof(blank, withControl, fc.boolean())),
  top('passwordInKeyring', fc.oneof(fc.string(), fc.integer())),
  top(
    'sslMode',
    fc.string().filter((s) => !(sslModes as readonly string[]).includes(s)),
  ),
  top('groupId', fc.string({ maxLength: 35 })),
  top(
    'color',
    fc.string().filter((s) => !/^#[0-9a-fA-F]{6}$/.test(s)),
  ),
  top('lastConnectedAt', fc.oneof(fc.string({ maxLength: 12 }), fc.integer())),
  {
    field: 'sslCaCert',
    values: fc.constantFrom('verify-ca', 'verify-full'),
    apply: (config, sslMode) => ({ ...config, sslMode, sslCaCert: undefined }),
  },
  option(
    'applicationName',
    fc.oneof(
      fc.string({ unit: 'grapheme-ascii', minLength: 64, maxLength: 100 }),
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
        .filter((s) => /[^\x20-\x7e]/.test(s)),
      fc.integer(),
    ),
  ),
  option('connectTimeoutSec', fc.oneof(wholeButNot(1, 600), notAnInteger)),
  option(
    'statementTimeoutMs',
    fc.oneof(
      wholeButNot(0, 2_147_483_647),
      notAnInteger,
      fc.constantFrom('500; drop table x', '500'),
    ),
  ),
  option('keepaliveIntervalSec', fc.oneof(wholeButNot(1, 86_400), notAnInteger)),
  option('poolMax', fc.oneof(wholeButNot(1, 100), notAnInteger)),
  option('maxReconnectAttempts', fc.oneof(wholeButNot(0, 10_000), notAnInteger)),
  option('readonly', fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  tunnel('host', blank),
  tunnel('username', blank),
  tunnel('keyPath', fc.constantFrom(undefined, ''), { auth: 'key' }),
  tunnel('port', fc.oneof(wholeButNot(1, 65_535), notAnInteger)),
  tunnel(
    'auth',
    fc.string().filter((s) => !['password', 'key', 'agent'].includes(s)),
  ),
  tunnel('enabled', fc.oneof(fc.string(), fc.integer(), fc.constant(undefined))),
];

/** A valid config with exactly one field broken. */
export const brokenConfig = fc
  .tuple(validConfig, fc.constantFrom(...breakers))
  .chain(([config, breaker]) =>
    breaker.values.map((value) => ({ field: breaker.field, input: breaker.apply(config, value) })),
  );

const maybe = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: valid, weight: 12 },
    { arbitrary: invalid, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
  );
const strayKeys = fc.dictionary(
  fc.constantFrom('password', 'passphrase', '__proto__', 'constructor', 'toString', 'extra'),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Config-shaped objects where any field, at any depth, may be valid, wrong or junk. */
export const configShaped: fc.Arbitrary<Config> = fc
  .tuple(
    fc.record(
      {
        id: maybe(fc.uuid(), fc.string()),
        name: maybe(text(200), fc.oneof(blank, withControl)),
        host: maybe(fc.domain(), fc.oneof(blank, withControl, fc.constant('a b'))),
        port: maybe(
          fc.integer({ min: 1, max: 65_535 }),
          fc.oneof(wholeButNot(1, 65_535), notAnInteger),
        ),
        database: maybe(text(63), blank),
        username: maybe(text(63), blank),
        sslMode: maybe(fc.constantFrom(...sslModes), fc.string()),
        sslCaCert: maybe(text(60), fc.constant('')),
        sshTunnel: maybe(
          fc.record(
            {
              enabled: maybe(fc.boolean(), fc.string()),
              host: maybe(fc.domain(), blank),
              port: maybe(fc.integer({ min: 1, max: 65_535 }), notAnInteger),
              username: maybe(text(20), blank),
              auth: maybe(fc.constantFrom('password', 'key', 'agent'), fc.string()),
              keyPath: maybe(text(40), fc.constant('')),
            },
            { requiredKeys: [] },
          ),
          fc.constant(null),
        ),
        options: maybe(
          fc.record(
            {
              applicationName: maybe(
                fc.string({ maxLength: 63 }),
                fc.string({ unit: 'binary', maxLength: 70 }),
              ),
              connectTimeoutSec: maybe(fc.integer({ min: 1, max: 600 }), notAnInteger),
              statementTimeoutMs: maybe(fc.nat(), fc.constant('500; drop table x')),
              readonly: maybe(fc.boolean(), fc.string()),
              keepaliveIntervalSec: maybe(
                fc.integer({ min: 1, max: 86_400 }),
                wholeButNot(1, 86_400),
              ),
              poolMax: maybe(fc.integer({ min: 1, max: 100 }), wholeButNot(1, 100)),
              maxReconnectAttempts: maybe(
                fc.integer({ min: 0, max: 10_000 }),
                wholeButNot(0, 10_000),
              ),
            },
            { requiredKeys: [] },
          ),
          fc.constant(null),
        ),
        groupId: maybe(fc.uuid(), fc.string()),
      },
      { requiredKeys: ['id', 'name', 'host', 'database', 'username'] },
    ),
    strayKeys,
  )
  .map(([config, stray]) => ({ ...stray, ...config }));
