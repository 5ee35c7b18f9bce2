import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionConfigSchema, validate } from '../config.ts';
import { TuskError } from '../errors.ts';
import { configShaped } from './config-arbitraries.ts';

const knownKeys = new Set(Object.keys(ConnectionConfigSchema.shape));

/**
 * The contract: validate returns a config that re-validates to itself, or throws an
 * InvalidInput TuskError naming a field. Any other throw fails the property.
 */
function checkContract(input: unknown): { field?: string } {
  let config: ReturnType<typeof validate>;
  try {
    config = validate(input);
  } catch (error) {
    if (!(error instanceof TuskError)) throw error;
    expect(error.kind).toBe('InvalidInput');
    expect(error.field).toEqual(expect.any(String));
    expect(error.field).not.toBe('');
    expect(error.message).toMatch(/^Invalid connection config: /);
    return { field: error.field };
  }
  expect(config).toBeTypeOf('object');
  expect(validate(config)).toStrictEqual(config);
  expect(JSON.parse(JSON.stringify(config))).toStrictEqual(config);
  for (const key of Object.keys(config)) expect(knownKeys).toContain(key);
  return {};
}

describe('validate on arbitrary input returns a config or throws InvalidInput', () => {
  it('holds for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => void checkContract(input)),
      { numRuns: 500 },
    );
  });

  it('holds for arbitrary JSON with any Unicode, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (input) => void checkContract(input)),
      { numRuns: 300 },
    );
  });

  it('holds for arbitrary JavaScript values, not only JSON', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (input) => void checkContract(input)),
      { numRuns: 300 },
    );
  });

  it('holds for config-shaped objects, reaching the rules deep inside', () => {
    const fields = new Set<string>();
    let accepted = 0;
    fc.assert(
      fc.property(configShaped, (input) => {
        const { field } = checkContract(input);
        if (field) fields.add(field);
        else accepted++;
      }),
      { numRuns: 2000 },
    );
    // A check of the generator, not of validate: without it the property could pass while
    // only ever stopping at the first top-level field.
    expect(accepted).toBeGreaterThan(0);
    expect([...fields]).toEqual(
      expect.arrayContaining([
        'port',
        'sslCaCert',
        'options.applicationName',
        'options.poolMax',
        'options.statementTimeoutMs',
        'sshTunnel.host',
        'sshTunnel.username',
        'sshTunnel.keyPath',
      ]),
    );
  }, 20_000);
});
