import { describe, expect, it } from 'vitest';
import { TuskError } from '../errors.ts';

export const ID = '0b6f7f43-4a8f-4c39-9d2e-8d6f3f9d6a11';
export const OTHER_ID = 'c3b1a2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

/** The smallest input validate() accepts; each test changes one thing about it. */
export const minimalConfig = () => ({
  id: ID,
  name: 'Local',
  host: 'db.example.com',
  database: 'app',
  username: 'alice',
});

export const configWith = (patch: Record<string, unknown>) => ({ ...minimalConfig(), ...patch });

export const enabledTunnel = (patch: Record<string, unknown> = {}) => ({
  enabled: true,
  host: 'bastion.example.com',
  username: 'tunnel',
  auth: 'agent',
  ...patch,
});

/**
 * Runs `fn`, expects it to throw an InvalidInput TuskError about `field` for `rule`, returns it.
 * The message lists `field: rule` pairs, so the pair is what is checked, not either alone.
 */
export function expectInvalidInput(fn: () => unknown, field: string, rule: string): TuskError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected InvalidInput, but the input was accepted').toBeDefined();
  expect(thrown).toBeInstanceOf(TuskError);
  const error = thrown as TuskError;
  expect(error.kind).toBe('InvalidInput');
  expect(error.field).toBe(field);
  expect(error.message).toContain(`${field}: ${rule}`);
  return error;
}

type Patch = Record<string, unknown>;

/** One validation rule: inputs it lets through (and what they parse to) and inputs it stops. */
export interface RuleCase {
  rule: string;
  valid: [label: string, patch: Patch, parsed?: Patch][];
  invalid: [label: string, patch: Patch, field: string, message: string][];
}

/** Both sides of every rule, each input being the minimal config with one change. */
export function describeRules(
  validate: (input: unknown) => unknown,
  rules: RuleCase[],
  base: (patch: Patch) => Patch = configWith,
) {
  describe.each(rules)('$rule', ({ valid, invalid }) => {
    it.each(valid)('accepts %s', (_label, patch, parsed) => {
      expect(validate(base(patch))).toMatchObject(parsed ?? patch);
    });
    it.each(invalid)('rejects %s', (_label, patch, field, message) => {
      expectInvalidInput(() => validate(base(patch)), field, message);
    });
  });
}
