import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../connection-string.ts';
import { TuskError } from '../errors.ts';

function refusal(text: string): TuskError {
  try {
    parseConnectionString(text);
  } catch (error) {
    if (error instanceof TuskError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('a connection string it cannot honour is refused, naming the parameter', () => {
  it.each([
    ['host=a keepalives_idle=ten', 'keepalives_idle'],
    ['postgresql://a/db?sslcertmode=always', 'sslcertmode'],
    ['host=a,b hostaddr=127.0.0.1', 'hostaddr'],
    ['hostaddr=db.example', 'hostaddr'],
    ['channel_binding=always', 'channel_binding'],
    ['require_auth=scram-sha-256,!md5', 'require_auth'],
    ['gssencmode=require', 'gssencmode'],
    ['client_encoding=LATIN1', 'client_encoding'],
    ['sslsni=yes', 'sslsni'],
    ['ssl_min_protocol_version=TLSv1.4', 'ssl_min_protocol_version'],
    ['postgresql://a/db?pgbouncer=true', 'pgbouncer'],
    ['sslmode=allow', 'sslmode'],
    ['sslmode=bogus', 'sslmode'],
    ['sslrootcert=system sslmode=require', 'sslmode'],
    ['connect_timeout=0', 'connect_timeout'],
    ['connect_timeout=ten', 'connect_timeout'],
    ["options='-c'", 'options'],
    ["options='-c statement_timeout=fast'", 'options'],
    ['target_session_attrs=master', 'target_session_attrs'],
    ['load_balance_hosts=yes', 'load_balance_hosts'],
    ['port=0', 'port'],
    ['port=65536', 'port'],
    ['host=a,b,c port=1,2', 'port'],
    ['host=a,,b', 'host'],
    ['postgresql://a,,b/db', 'host'],
    ['postgresql://[::1/db', 'host'],
    ['postgresql://a/d%zzb', 'dbname'],
    ['postgresql://a/d%00b', 'dbname'],
    ['postgresql://a/db?flag', 'flag'],
    ["host='unterminated", 'host'],
    ['host', 'connection string'],
    ['host=a dbname', 'host'],
  ])('%s → %s', (text, field) => {
    const error = refusal(text);
    expect(error.kind).toBe('InvalidInput');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it.each([
    'postgresql://u:hunter2@a/db?bogus=1',
    // An unescaped "/" in the password cuts the authority short: "u" becomes the host and the
    // start of the password its port. The error must not echo that port.
    'postgresql://u:hunter2/x@a:5432/db',
    'postgresql://[::1]hunter2/db',
    'host=a password=hunter two hunter2',
  ])('never puts the password in the message: %s', (text) => {
    const error = refusal(text);
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
  });
});
