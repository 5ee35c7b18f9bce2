import { describe, it } from 'vitest';
import { validate } from '../config.ts';
import {
  configWith,
  describeRules,
  enabledTunnel,
  expectInvalidInput,
  OTHER_ID,
} from './config-fixtures.ts';

describeRules(validate, [
  {
    rule: 'id is a uuid',
    valid: [
      ['a v4 uuid', { id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' }],
      ['an upper-case uuid', { id: 'F47AC10B-58CC-4372-A567-0E02B2C3D479' }],
    ],
    invalid: [
      ['a missing id', { id: undefined }, 'id', 'id must be a UUID'],
      ['an empty id', { id: '' }, 'id', 'id must be a UUID'],
      ['a non-uuid string', { id: 'local-db' }, 'id', 'id must be a UUID'],
      [
        'a uuid without dashes',
        { id: 'f47ac10b58cc4372a5670e02b2c3d479' },
        'id',
        'id must be a UUID',
      ],
      ['a number', { id: 42 }, 'id', 'id must be a UUID'],
    ],
  },
  {
    rule: 'name is required',
    valid: [
      ['a one-letter name', { name: 'x' }],
      ['a name with spaces, trimmed', { name: '  Prod replica  ' }, { name: 'Prod replica' }],
      ['200 characters', { name: 'n'.repeat(200) }],
    ],
    invalid: [
      ['a missing name', { name: undefined }, 'name', 'name is required'],
      ['an empty name', { name: '' }, 'name', 'name is required'],
      ['a blank name', { name: '   ' }, 'name', 'name is required'],
      ['a name that is not text', { name: 7 }, 'name', 'name must be text'],
      ['201 characters', { name: 'n'.repeat(201) }, 'name', 'name must be at most 200 characters'],
      ['a control character', { name: 'a\u0000b' }, 'name', 'name must not contain control'],
    ],
  },
  {
    rule: 'host is required, without whitespace or control characters',
    valid: [
      ['a DNS name', { host: 'db.example.com' }],
      ['an IPv4 address', { host: '10.0.0.1' }],
      ['an IPv6 address', { host: '::1' }],
      ['a Unix socket directory', { host: '/var/run/postgresql' }],
      ['surrounding spaces, trimmed', { host: '  localhost\n' }, { host: 'localhost' }],
    ],
    invalid: [
      ['a missing host', { host: undefined }, 'host', 'host is required'],
      ['an empty host', { host: '' }, 'host', 'host is required'],
      ['a blank host', { host: ' \t ' }, 'host', 'host is required'],
      ['a host that is not text', { host: ['a', 'b'] }, 'host', 'host must be text'],
      ['a space inside', { host: 'db host' }, 'host', 'host must not contain whitespace'],
      [
        'a no-break space inside',
        { host: 'db\u00a0host' },
        'host',
        'host must not contain whitespace',
      ],
      ['a NUL', { host: 'db\u0000.example.com' }, 'host', 'host must not contain control'],
      ['a tab inside', { host: 'db\thost' }, 'host', 'host must not contain control'],
      ['a DEL', { host: 'db\u007f' }, 'host', 'host must not contain control characters'],
      ['a C1 control (NEL)', { host: 'db\u0085x' }, 'host', 'host must not contain control'],
      ['a C1 control (CSI)', { host: 'db\u009bx' }, 'host', 'host must not contain control'],
    ],
  },
  {
    rule: 'port is an integer from 1 to 65535',
    valid: [
      ['1', { port: 1 }],
      ['5432', { port: 5432 }],
      ['65535', { port: 65535 }],
    ],
    invalid: [
      ['0', { port: 0 }, 'port', 'port must be between 1 and 65535'],
      ['-1', { port: -1 }, 'port', 'port must be between 1 and 65535'],
      ['65536', { port: 65536 }, 'port', 'port must be between 1 and 65535'],
      ['5.5', { port: 5.5 }, 'port', 'port must be a whole number'],
      ["the string '5432'", { port: '5432' }, 'port', 'port must be a whole number'],
      ['NaN', { port: Number.NaN }, 'port', 'port must be a whole number'],
      ['Infinity', { port: Number.POSITIVE_INFINITY }, 'port', 'port must be a whole number'],
      ['null', { port: null }, 'port', 'port must be a whole number'],
    ],
  },
  {
    rule: 'database is required',
    valid: [
      ['a name', { database: 'postgres' }],
      ['a name with a space', { database: 'my db' }],
    ],
    invalid: [
      ['a missing database', { database: undefined }, 'database', 'database is required'],
      ['an empty database', { database: '' }, 'database', 'database is required'],
      ['a blank database', { database: '  ' }, 'database', 'database is required'],
      ['a number', { database: 5 }, 'database', 'database must be text'],
      ['a control character', { database: 'a\nb' }, 'database', 'database must not contain'],
    ],
  },
  {
    rule: 'username is required',
    valid: [['a name', { username: 'postgres' }]],
    invalid: [
      ['a missing username', { username: undefined }, 'username', 'username is required'],
      ['an empty username', { username: '' }, 'username', 'username is required'],
      ['a blank username', { username: '\t' }, 'username', 'username is required'],
      ['a boolean', { username: true }, 'username', 'username must be text'],
    ],
  },
  {
    rule: 'sslMode is one of the five modes',
    valid: [
      ['disable', { sslMode: 'disable' }],
      ['require', { sslMode: 'require' }],
    ],
    invalid: [
      ["libpq's allow", { sslMode: 'allow' }, 'sslMode', 'sslMode must be one of disable,'],
      ['upper case', { sslMode: 'REQUIRE' }, 'sslMode', 'sslMode must be one of disable,'],
    ],
  },
  {
    rule: 'passwordInKeyring is a boolean',
    valid: [['true', { passwordInKeyring: true }]],
    invalid: [
      [
        "'true'",
        { passwordInKeyring: 'true' },
        'passwordInKeyring',
        'passwordInKeyring must be true or false',
      ],
    ],
  },
  {
    rule: 'groupId is a uuid',
    valid: [['a uuid', { groupId: OTHER_ID }]],
    invalid: [['a name', { groupId: 'work' }, 'groupId', 'groupId must be a UUID']],
  },
  {
    rule: 'color is #rrggbb',
    valid: [['#1a2B3c', { color: '#1a2B3c' }]],
    invalid: [
      ['#abc', { color: '#abc' }, 'color', 'color must be a #rrggbb hex colour'],
      ['red', { color: 'red' }, 'color', 'color must be a #rrggbb hex colour'],
    ],
  },
  {
    rule: 'lastConnectedAt is an ISO date-time',
    valid: [['UTC', { lastConnectedAt: '2025-03-01T12:00:00Z' }]],
    invalid: [
      [
        'a date',
        { lastConnectedAt: 'March 1st' },
        'lastConnectedAt',
        'lastConnectedAt must be an ISO date-time',
      ],
    ],
  },
]);

describe('invisible characters', () => {
  it.each(['db\u200bhost', 'd\ufeffb', 'db\u202ehost'])('rejects host %j', (host) => {
    expectInvalidInput(() => validate(configWith({ host })), 'host', 'host must not contain');
  });

  it('rejects an SSH host with whitespace when the tunnel is enabled', () => {
    const sshTunnel = enabledTunnel({ host: 'bastion host' });
    expectInvalidInput(
      () => validate(configWith({ sshTunnel })),
      'sshTunnel.host',
      'SSH host must',
    );
  });

  it('rejects a whitespace-only SSH key path for key auth', () => {
    const sshTunnel = enabledTunnel({ auth: 'key', keyPath: '   ' });
    expectInvalidInput(
      () => validate(configWith({ sshTunnel })),
      'sshTunnel.keyPath',
      'SSH key path is required',
    );
  });
});
