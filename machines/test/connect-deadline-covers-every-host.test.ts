import { describe, expect, it } from 'vitest';
import { connectDeadlineMs, validate } from '../config.ts';

const base = {
  id: '00000000-0000-4000-8000-000000000000',
  name: 'x',
  host: 'a',
  port: 5432,
  database: 'd',
  username: 'u',
};
const hosts = [
  { host: 'a', port: 5432 },
  { host: 'b', port: 5432 },
  { host: 'c', port: 5432 },
];

// libpq's connect_timeout bounds each host's attempt, so the machine's deadline for the whole
// connect must leave room for every host (and prefer-standby's second pass).
describe('the connect deadline', () => {
  it('is connectTimeoutSec for one host', () => {
    expect(connectDeadlineMs(validate({ ...base, options: { connectTimeoutSec: 3 } }))).toBe(3000);
  });

  it('is connectTimeoutSec per host, twice over for prefer-standby', () => {
    const config = (targetSessionAttrs: string) =>
      validate({ ...base, hosts, options: { connectTimeoutSec: 3, targetSessionAttrs } });
    expect(connectDeadlineMs(config('read-write'))).toBe(9000);
    expect(connectDeadlineMs(config('prefer-standby'))).toBe(18_000);
  });
});
