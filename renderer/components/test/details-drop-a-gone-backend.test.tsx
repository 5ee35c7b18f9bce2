import { screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ConnectionView } from '../../../machines/views.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { InfoGrid } from '../InfoGrid.tsx';

const server = {
  version: 'PostgreSQL 18.4 on x86_64-pc-linux-gnu',
  serverVersionNum: 180004,
  currentDatabase: 'app',
  currentUser: 'app',
  backendPid: 4242,
  startedAt: '2026-12-01T00:00:00Z',
  ssl: false,
};
const pool = { total: 1, idle: 0, waiting: 0 };

const shownFor = (label: string) =>
  screen.getByText(label, { selector: 'dt' }).nextElementSibling?.textContent;

const show = (overrides: Partial<ConnectionView>) =>
  renderWithServices(<InfoGrid view={makeView({ server, pool, ...overrides })} />);

test('connected: the backend pid and the pool use are shown', () => {
  show({ status: 'connected', state: { connected: 'idle' } });
  expect(shownFor('Backend pid')).toBe('4242');
  expect(shownFor('Pool')).toContain('1 in use');
});

test('reconnecting: the last backend pid and pool use are not shown as if live; the server stays', () => {
  show({ status: 'reconnecting', state: { reconnecting: 'waiting' }, attempt: 2 });
  expect(shownFor('Backend pid')).toBe('—');
  expect(shownFor('Pool')).toBe('—');
  expect(shownFor('Server')).toBe('PostgreSQL 18.4');
});

test('reconnecting: the wait says why (the last error) and when, and that a waiting query goes at once, except through a tunnel', () => {
  const nextRetryAt = Date.now() + 5_000;
  const waiting = {
    status: 'reconnecting',
    state: { reconnecting: 'waiting' },
    attempt: 2,
    nextRetryAt,
    lastError: { kind: 'ConnectionFailed', code: 'ECONNREFUSED', message: 'refused' },
  } as const;
  const { unmount } = show(waiting);
  expect(shownFor('Reconnect')).toMatch(
    /^attempt 2 of 20 · after ECONNREFUSED · next try in \d\.\d s, at once when a query waits$/,
  );
  unmount();
  const tunnelled = makeConfig({
    sshTunnel: { enabled: true, host: 'bastion', port: 22, username: 'me', auth: 'agent' },
  });
  show({ ...waiting, config: tunnelled, id: tunnelled.id });
  expect(shownFor('Reconnect')).toMatch(
    /^attempt 2 of 20 · after ECONNREFUSED · next try in \d\.\d s$/,
  );
});
