import { validate } from '../config.ts';
import { describeRules, enabledTunnel } from './config-fixtures.ts';

const tunnel = (patch: Record<string, unknown> = {}) => ({ sshTunnel: enabledTunnel(patch) });

describeRules(validate, [
  {
    rule: 'SSH host and username are required when the tunnel is enabled',
    valid: [
      ['an enabled tunnel with both', tunnel()],
      [
        'a disabled tunnel with neither',
        { sshTunnel: { enabled: false, auth: 'password' } },
        { sshTunnel: { enabled: false, host: '', username: '' } },
      ],
      [
        'a disabled tunnel with blank ones',
        { sshTunnel: { enabled: false, auth: 'agent', host: ' ', username: '' } },
        { sshTunnel: { enabled: false, host: '', username: '' } },
      ],
      ['no tunnel at all', {}],
      ['port 22 by default', tunnel(), { sshTunnel: { port: 22 } }],
    ],
    invalid: [
      [
        'a missing host',
        tunnel({ host: undefined }),
        'sshTunnel.host',
        'SSH host is required when the tunnel is enabled',
      ],
      [
        'a blank host',
        tunnel({ host: '   ' }),
        'sshTunnel.host',
        'SSH host is required when the tunnel is enabled',
      ],
      [
        'a missing username',
        tunnel({ username: undefined }),
        'sshTunnel.username',
        'SSH username is required when the tunnel is enabled',
      ],
      [
        'an empty username',
        tunnel({ username: '' }),
        'sshTunnel.username',
        'SSH username is required when the tunnel is enabled',
      ],
      [
        'no enabled flag',
        { sshTunnel: { host: 'b', username: 'u', auth: 'agent' } },
        'sshTunnel.enabled',
        'sshTunnel.enabled must be true or false',
      ],
      [
        'an SSH port of 0',
        tunnel({ port: 0 }),
        'sshTunnel.port',
        'SSH port must be between 1 and 65535',
      ],
      [
        'an SSH port of 65536',
        tunnel({ port: 65_536 }),
        'sshTunnel.port',
        'SSH port must be between 1 and 65535',
      ],
    ],
  },
  {
    rule: 'a key path is required for key authentication',
    valid: [
      ['key auth with a key path', tunnel({ auth: 'key', keyPath: '~/.ssh/id_ed25519' })],
      ['password auth without one', tunnel({ auth: 'password' })],
      ['agent auth without one', tunnel({ auth: 'agent' })],
      ['key auth on a disabled tunnel', { sshTunnel: { enabled: false, auth: 'key' } }],
    ],
    invalid: [
      [
        'key auth without a key path',
        tunnel({ auth: 'key' }),
        'sshTunnel.keyPath',
        'SSH key path is required for key authentication',
      ],
      [
        'key auth with an empty key path',
        tunnel({ auth: 'key', keyPath: '' }),
        'sshTunnel.keyPath',
        'SSH key path is required for key authentication',
      ],
      [
        'an unknown auth method',
        tunnel({ auth: 'kerberos' }),
        'sshTunnel.auth',
        'SSH auth must be one of password, key, agent',
      ],
      [
        'no auth method',
        tunnel({ auth: undefined }),
        'sshTunnel.auth',
        'SSH auth must be one of password, key, agent',
      ],
    ],
  },
  {
    rule: 'a CA certificate is required for verify-ca and verify-full',
    valid: [
      ['disable without one', { sslMode: 'disable' }],
      ['prefer without one', { sslMode: 'prefer' }],
      ['require without one', { sslMode: 'require' }],
      ['verify-ca with one', { sslMode: 'verify-ca', sslCaCert: '/etc/ssl/root.crt' }],
      ['verify-full with one', { sslMode: 'verify-full', sslCaCert: '/etc/ssl/root.crt' }],
    ],
    invalid: [
      [
        'verify-ca without one',
        { sslMode: 'verify-ca' },
        'sslCaCert',
        'a CA certificate is required for sslMode verify-ca',
      ],
      [
        'verify-full without one',
        { sslMode: 'verify-full' },
        'sslCaCert',
        'a CA certificate is required for sslMode verify-full',
      ],
      [
        'verify-full with an empty path',
        { sslMode: 'verify-full', sslCaCert: '' },
        'sslCaCert',
        'sslCaCert must be a file path',
      ],
      [
        'a path that is not text',
        { sslMode: 'require', sslCaCert: 1 },
        'sslCaCert',
        'sslCaCert must be a file path',
      ],
    ],
  },
  {
    rule: 'direct TLS negotiation needs a TLS-only sslMode',
    valid: [
      ['postgres by default', {}, { sslNegotiation: 'postgres' }],
      ['direct with require', { sslMode: 'require', sslNegotiation: 'direct' }],
      [
        'direct with verify-full',
        { sslMode: 'verify-full', sslCaCert: '/etc/ssl/root.crt', sslNegotiation: 'direct' },
      ],
      ['postgres with disable', { sslMode: 'disable', sslNegotiation: 'postgres' }],
    ],
    invalid: [
      [
        'direct with prefer',
        { sslMode: 'prefer', sslNegotiation: 'direct' },
        'sslNegotiation',
        'direct TLS needs sslMode require, verify-ca or verify-full, not prefer: it has no plain-text fallback',
      ],
      [
        'direct with disable',
        { sslMode: 'disable', sslNegotiation: 'direct' },
        'sslNegotiation',
        'direct TLS needs sslMode require, verify-ca or verify-full, not disable: it has no plain-text fallback',
      ],
      [
        'an unknown way',
        { sslMode: 'require', sslNegotiation: 'alpn' },
        'sslNegotiation',
        'sslNegotiation must be one of postgres, direct',
      ],
    ],
  },
]);
