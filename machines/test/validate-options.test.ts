import { validate } from '../config.ts';
import { describeRules } from './config-fixtures.ts';

const opts = (options: Record<string, unknown>) => ({ options });

describeRules(validate, [
  {
    rule: 'connectTimeoutSec is a whole number of seconds, at least 1',
    valid: [
      ['1', opts({ connectTimeoutSec: 1 })],
      ['600', opts({ connectTimeoutSec: 600 })],
    ],
    invalid: [
      [
        '0',
        opts({ connectTimeoutSec: 0 }),
        'options.connectTimeoutSec',
        'connectTimeoutSec must be at least 1',
      ],
      [
        '-1',
        opts({ connectTimeoutSec: -1 }),
        'options.connectTimeoutSec',
        'connectTimeoutSec must not be negative',
      ],
      [
        '1.5',
        opts({ connectTimeoutSec: 1.5 }),
        'options.connectTimeoutSec',
        'connectTimeoutSec must be a whole number of seconds',
      ],
      [
        "'10'",
        opts({ connectTimeoutSec: '10' }),
        'options.connectTimeoutSec',
        'connectTimeoutSec must be a whole number of seconds',
      ],
      [
        '601',
        opts({ connectTimeoutSec: 601 }),
        'options.connectTimeoutSec',
        'connectTimeoutSec must be at most 600',
      ],
    ],
  },
  {
    rule: 'keepaliveIntervalSec is a whole number of seconds, at least 1',
    valid: [
      ['1', opts({ keepaliveIntervalSec: 1 })],
      ['86400', opts({ keepaliveIntervalSec: 86_400 })],
    ],
    invalid: [
      [
        '0',
        opts({ keepaliveIntervalSec: 0 }),
        'options.keepaliveIntervalSec',
        'keepaliveIntervalSec must be at least 1',
      ],
      [
        '-5',
        opts({ keepaliveIntervalSec: -5 }),
        'options.keepaliveIntervalSec',
        'keepaliveIntervalSec must not be negative',
      ],
      [
        '0.5',
        opts({ keepaliveIntervalSec: 0.5 }),
        'options.keepaliveIntervalSec',
        'keepaliveIntervalSec must be a whole number of seconds',
      ],
      [
        '86401',
        opts({ keepaliveIntervalSec: 86_401 }),
        'options.keepaliveIntervalSec',
        'keepaliveIntervalSec must be at most 86400',
      ],
    ],
  },
  {
    rule: 'statementTimeoutMs is a whole, non-negative number of milliseconds',
    valid: [
      ['0 (no limit)', opts({ statementTimeoutMs: 0 })],
      ['500', opts({ statementTimeoutMs: 500 })],
      ['2147483647', opts({ statementTimeoutMs: 2_147_483_647 })],
    ],
    invalid: [
      [
        '-1',
        opts({ statementTimeoutMs: -1 }),
        'options.statementTimeoutMs',
        'statementTimeoutMs must not be negative',
      ],
      [
        '1.5',
        opts({ statementTimeoutMs: 1.5 }),
        'options.statementTimeoutMs',
        'statementTimeoutMs must be a whole number of milliseconds',
      ],
      [
        "'500'",
        opts({ statementTimeoutMs: '500' }),
        'options.statementTimeoutMs',
        'statementTimeoutMs must be a whole number of milliseconds',
      ],
      [
        "'500; drop table x'",
        opts({ statementTimeoutMs: '500; drop table x' }),
        'options.statementTimeoutMs',
        'statementTimeoutMs must be a whole number of milliseconds',
      ],
      [
        '2147483648',
        opts({ statementTimeoutMs: 2_147_483_648 }),
        'options.statementTimeoutMs',
        'statementTimeoutMs must be at most 2147483647',
      ],
    ],
  },
  {
    rule: 'applicationName is printable ASCII, at most 63 bytes',
    valid: [
      ['63 bytes', opts({ applicationName: 'a'.repeat(63) })],
      ['every printable character', opts({ applicationName: ' !~azAZ09{}' })],
      ['an empty name', opts({ applicationName: '' })],
    ],
    invalid: [
      [
        '64 bytes',
        opts({ applicationName: 'a'.repeat(64) }),
        'options.applicationName',
        'applicationName must be at most 63 bytes',
      ],
      [
        'an accented letter',
        opts({ applicationName: 'Tüsk' }),
        'options.applicationName',
        'applicationName must be printable ASCII',
      ],
      [
        'an emoji',
        opts({ applicationName: 'Tusk 🐘' }),
        'options.applicationName',
        'applicationName must be printable ASCII',
      ],
      [
        '31 two-byte letters (62 bytes)',
        opts({ applicationName: 'é'.repeat(31) }),
        'options.applicationName',
        'applicationName must be printable ASCII',
      ],
      [
        'a newline',
        opts({ applicationName: 'Tusk\n' }),
        'options.applicationName',
        'applicationName must be printable ASCII',
      ],
      [
        'a NUL',
        opts({ applicationName: 'Tu\u0000sk' }),
        'options.applicationName',
        'applicationName must be printable ASCII',
      ],
      [
        'a number',
        opts({ applicationName: 63 }),
        'options.applicationName',
        'applicationName must be text',
      ],
    ],
  },
  {
    rule: 'poolMax is a whole number from 1 to 100',
    valid: [
      ['1', opts({ poolMax: 1 })],
      ['100', opts({ poolMax: 100 })],
    ],
    invalid: [
      ['0', opts({ poolMax: 0 }), 'options.poolMax', 'poolMax must be between 1 and 100'],
      ['101', opts({ poolMax: 101 }), 'options.poolMax', 'poolMax must be between 1 and 100'],
      ['2.5', opts({ poolMax: 2.5 }), 'options.poolMax', 'poolMax must be a whole number'],
      ["'10'", opts({ poolMax: '10' }), 'options.poolMax', 'poolMax must be a whole number'],
    ],
  },
  {
    rule: 'maxReconnectAttempts is a whole number from 0 (no auto-reconnect) to 10000',
    valid: [
      ['0', opts({ maxReconnectAttempts: 0 })],
      ['10000', opts({ maxReconnectAttempts: 10_000 })],
    ],
    invalid: [
      [
        '-1',
        opts({ maxReconnectAttempts: -1 }),
        'options.maxReconnectAttempts',
        'maxReconnectAttempts must not be negative',
      ],
      [
        '10001',
        opts({ maxReconnectAttempts: 10_001 }),
        'options.maxReconnectAttempts',
        'maxReconnectAttempts must be at most 10000',
      ],
      [
        '3.5',
        opts({ maxReconnectAttempts: 3.5 }),
        'options.maxReconnectAttempts',
        'maxReconnectAttempts must be a whole number',
      ],
    ],
  },
  {
    rule: 'readonly is a boolean',
    valid: [['true', opts({ readonly: true })]],
    invalid: [['1', opts({ readonly: 1 }), 'options.readonly', 'readonly must be true or false']],
  },
  {
    rule: 'options is an object',
    valid: [['an empty object', opts({})]],
    invalid: [
      ['null', { options: null }, 'options', 'Invalid input: expected object'],
      ['a string', { options: 'readonly' }, 'options', 'Invalid input: expected object'],
    ],
  },
]);
