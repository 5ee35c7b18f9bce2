import { describe, expect, it } from 'vitest';
import { validateGroup } from '../config.ts';
import { describeRules, expectInvalidInput, ID, OTHER_ID } from './config-fixtures.ts';

const groupWith = (patch: Record<string, unknown>) => ({ id: ID, name: 'Work', ...patch });

describe('validateGroup', () => {
  it('accepts the minimal group as it is', () => {
    expect(validateGroup(groupWith({}))).toStrictEqual({ id: ID, name: 'Work' });
  });

  it('strips unknown keys, including ones that belong to a connection', () => {
    const parsed = validateGroup(groupWith({ host: 'db', password: 'x', connections: [ID] }));
    expect(parsed).toStrictEqual({ id: ID, name: 'Work' });
  });

  it.each([
    ['null', null],
    ['an array', [groupWith({})]],
    ['a string', 'Work'],
  ])('names the group itself when given %s', (_label, input) => {
    const error = expectInvalidInput(
      () => validateGroup(input),
      'connection group',
      'Invalid input: expected object',
    );
    expect(error.message).toMatch(/^Invalid connection group: /);
  });
});

describeRules(
  validateGroup,
  [
    {
      rule: 'id is a uuid',
      valid: [['a uuid', { id: OTHER_ID }]],
      invalid: [
        ['a missing id', { id: undefined }, 'id', 'id must be a UUID'],
        ['a name', { id: 'work' }, 'id', 'id must be a UUID'],
      ],
    },
    {
      rule: 'name is required',
      valid: [
        ['a name, trimmed', { name: '  Staging ' }, { name: 'Staging' }],
        ['200 characters', { name: 'g'.repeat(200) }],
      ],
      invalid: [
        ['a missing name', { name: undefined }, 'name', 'name is required'],
        ['an empty name', { name: '' }, 'name', 'name is required'],
        ['a blank name', { name: ' \n ' }, 'name', 'name is required'],
        [
          '201 characters',
          { name: 'g'.repeat(201) },
          'name',
          'name must be at most 200 characters',
        ],
        ['a control character', { name: 'a\u0007b' }, 'name', 'name must not contain control'],
        ['a number', { name: 1 }, 'name', 'name must be text'],
      ],
    },
    {
      rule: 'color is #rrggbb',
      valid: [['#00ff7F', { color: '#00ff7F' }]],
      invalid: [
        ['#00ff7', { color: '#00ff7' }, 'color', 'color must be a #rrggbb hex colour'],
        ['00ff7f', { color: '00ff7f' }, 'color', 'color must be a #rrggbb hex colour'],
      ],
    },
    {
      rule: 'parentId is a uuid',
      valid: [['a uuid', { parentId: OTHER_ID }]],
      invalid: [['a name', { parentId: 'root' }, 'parentId', 'parentId must be a UUID']],
    },
  ],
  groupWith,
);
