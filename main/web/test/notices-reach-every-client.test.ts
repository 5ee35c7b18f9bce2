import { expect, it } from 'vitest';
import { ipcUrl, rawClient, startHost, until } from './helpers.ts';

it('notices given at start greet every client; a later one reaches every client and every later one', async () => {
  const keyring = {
    level: 'warning',
    message: 'No OS keyring was found: passwords are kept for this run only',
  } as const;
  const { host } = await startHost({ notices: [keyring] });
  const early = await rawClient(ipcUrl(host));
  await until('the greeting', () => early.events('host:notice').length === 1);
  expect(early.events('host:notice')).toEqual([keyring]);

  const later = { level: 'info', message: 'The demo server restarted' } as const;
  host.notify(later);
  await until('the later notice', () => early.events('host:notice').length === 2);
  const late = await rawClient(ipcUrl(host));
  await until('both notices', () => late.events('host:notice').length === 2);
  expect(late.events('host:notice')).toEqual([keyring, later]);
  // Views come first on a new socket: the whole set, then the notices.
  expect(JSON.parse(late.frames[0]!).event).toBe('connection:views');
});
