import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorKinds, isTuskErrorData, TuskError, type TuskErrorData } from '../errors.ts';

const full: TuskErrorData = {
  kind: 'QueryFailed',
  message: 'relation "x" does not exist',
  code: '42P01',
  detail: 'detail text',
  hint: 'hint text',
  position: 15,
  field: 'options.poolMax',
  path: '/data/connections.json',
};

const errorData: fc.Arbitrary<TuskErrorData> = fc.record(
  {
    kind: fc.constantFrom(...errorKinds),
    message: fc.string({ unit: 'binary' }),
    code: fc.string({ maxLength: 5 }),
    detail: fc.string({ unit: 'binary' }),
    hint: fc.string(),
    position: fc.integer({ min: 0 }),
    field: fc.string(),
    path: fc.string({ unit: 'binary' }),
  },
  { requiredKeys: ['kind', 'message'] },
);

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('TuskError', () => {
  it('is an Error with a name, a kind and the PostgreSQL fields it was given', () => {
    const cause = new Error('socket hang up');
    const error = new TuskError(full, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TuskError');
    expect(error).toMatchObject(full);
    expect(error.cause).toBe(cause);
  });

  it('serialises to exactly its data: no stack, name, cause or undefined keys', () => {
    const error = new TuskError(
      { kind: 'AuthFailed', message: 'password authentication failed', code: '28P01' },
      { cause: new Error('inner') },
    );
    expect(error.toJSON()).toStrictEqual({
      kind: 'AuthFailed',
      message: 'password authentication failed',
      code: '28P01',
    });
    expect(JSON.parse(JSON.stringify(error))).toStrictEqual(error.toJSON());
  });

  it('round-trips every field through JSON.stringify and structuredClone', () => {
    const error = new TuskError(full);
    const overJson = TuskError.fromJSON(viaJson(error));
    const overClone = TuskError.fromJSON(structuredClone(error.toJSON()));
    for (const copy of [overJson, overClone]) {
      expect(copy).toBeInstanceOf(TuskError);
      expect(copy.toJSON()).toStrictEqual(full);
    }
  });

  it('round-trips any well-formed data, any Unicode included', () => {
    fc.assert(
      fc.property(errorData, (data) => {
        const error = new TuskError(data);
        expect(TuskError.fromJSON(viaJson(error)).toJSON()).toStrictEqual(error.toJSON());
        expect(TuskError.fromJSON(structuredClone(error.toJSON())).toJSON()).toStrictEqual(
          error.toJSON(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only known keys when rebuilding', () => {
    const rebuilt = TuskError.fromJSON({ ...full, password: 'secret', stack: 'at evil' });
    expect(rebuilt.toJSON()).toStrictEqual(full);
    expect(rebuilt).not.toHaveProperty('password');
    expect(rebuilt.stack).not.toContain('at evil');
  });
});

describe('TuskError.fromJSON of anything else', () => {
  const malformed = { kind: 'ConnectionFailed', message: 'Malformed error received' };

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'ECONNREFUSED'],
    ['an array', [full]],
    ['an empty object', {}],
    ['an unknown kind', { kind: 'Oops', message: 'x' }],
    ['no message', { kind: 'InvalidInput' }],
    ['no kind', { message: 'x' }],
    ['a message that is not text', { kind: 'InvalidInput', message: 5 }],
    ['a position that is text', { kind: 'QueryFailed', message: 'x', position: '15' }],
    ['a numeric code', { kind: 'ConnectionLost', message: 'x', code: 8006 }],
    ['a plain Error', new Error('boom')],
  ])('gives a generic TuskError, not a throw, for %s', (_label, value) => {
    expect(isTuskErrorData(value)).toBe(false);
    const error = TuskError.fromJSON(value);
    expect(error).toBeInstanceOf(TuskError);
    expect(error.toJSON()).toStrictEqual(malformed);
  });

  it('reads null fields as absent, as JSON writes a NaN position or a missing code', () => {
    const sent = new TuskError({
      kind: 'QueryFailed',
      message: 'x',
      code: '42601',
      position: Number.NaN,
    });
    const received = TuskError.fromJSON(JSON.parse(JSON.stringify(sent)));
    expect(received.toJSON()).toStrictEqual({ kind: 'QueryFailed', message: 'x', code: '42601' });
    expect(
      TuskError.fromJSON({ kind: 'InvalidInput', message: 'x', field: null }).toJSON(),
    ).toStrictEqual({
      kind: 'InvalidInput',
      message: 'x',
    });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withNullPrototype: true, withMap: true, withBigInt: true, withDate: true }),
          fc.record({
            kind: fc.oneof(fc.constantFrom(...errorKinds), fc.string()),
            message: fc.anything(),
          }),
        ),
        (value) => {
          const error = TuskError.fromJSON(value);
          expect(error).toBeInstanceOf(TuskError);
          expect(errorKinds).toContain(error.kind);
          expect(error.message).toBeTypeOf('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
