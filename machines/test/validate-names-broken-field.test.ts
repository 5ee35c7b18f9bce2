import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../config.ts';
import { TuskError } from '../errors.ts';
import { brokenConfig, validConfig } from './config-arbitraries.ts';

describe('validate, generated configs', () => {
  it('accepts every config that is valid by construction, idempotently', () => {
    fc.assert(
      fc.property(validConfig, (input) => {
        const config = validate(input);
        expect(validate(config)).toStrictEqual(config);
      }),
      { numRuns: 500 },
    );
  });

  it('names the one field that was broken in an otherwise valid config', () => {
    fc.assert(
      fc.property(brokenConfig, ({ field, input }) => {
        let thrown: unknown;
        try {
          validate(input);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(TuskError);
        expect((thrown as TuskError).kind).toBe('InvalidInput');
        expect((thrown as TuskError).field).toBe(field);
        expect((thrown as TuskError).message).toContain(`${field}: `);
      }),
      { numRuns: 1000 },
    );
  });
});
