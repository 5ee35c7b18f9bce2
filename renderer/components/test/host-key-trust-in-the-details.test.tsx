import { fireEvent, screen, waitFor } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { TuskErrorData } from '../../../machines/errors.ts';
import type { ConnectionView } from '../../../machines/views.ts';
import { makeConfig, makeView, renderWithServices } from '../../test/fixtures.tsx';
import { Details } from '../Details.tsx';
import { TestResult } from '../TestResult.tsx';

const FINGERPRINT = 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8';
const config = makeConfig({
  name: 'behind bastion',
  sshTunnel: {
    enabled: true,
    host: 'bastion.example',
    port: 2222,
    username: 'deploy',
    auth: 'agent',
  },
});

const failed = (error: TuskErrorData): ConnectionView =>
  makeView({ config, status: 'error', state: 'error', lastError: error });

const renderDetails = (view: ConnectionView) =>
  renderWithServices(<Details id={view.id} onEdit={() => {}} onDeleted={() => {}} />, {
    views: [view],
    handlers: (t) => {
      t.handle('accept_host_key', () => null);
      t.handle('connect', () => ({}) as never);
      t.handle('open_session', () => ({ sessionId: 's1' }) as never);
    },
  });

test('an unknown host key: its fingerprint shown, trusted by the button, then connected', async () => {
  const { transport } = renderDetails(
    failed({ kind: 'HostKeyUnknown', message: 'unknown host key', fingerprint: FINGERPRINT }),
  );
  expect(screen.getByText("The SSH server's host key is not known")).toBeTruthy();
  const shown = screen.getByTestId('host-key-fingerprint');
  expect(shown.textContent).toBe(FINGERPRINT);
  // Compared by eye and copied: monospace, selectable in one go (the class's CSS).
  expect(shown.tagName).toBe('CODE');
  expect(shown.classList.contains('fingerprint')).toBe(true);

  fireEvent.click(screen.getByRole('button', { name: 'Trust this host key' }));
  await waitFor(() => expect(transport.calls.some((c) => c.command === 'connect')).toBe(true));
  // Reads the details make on their own (the console's session, the chart's history) aside.
  const commands = transport.calls
    .map((c) => c.command)
    .filter((c) => c !== 'open_session' && c !== 'get_history');
  expect(commands).toEqual(['accept_host_key', 'connect']);
  expect(transport.calls.find((c) => c.command === 'accept_host_key')!.args).toEqual({
    connectionId: config.id,
    fingerprint: FINGERPRINT,
  });
  expect(transport.calls.find((c) => c.command === 'connect')!.args).toEqual({ config });
});

test('a changed host key is refused: a man-in-the-middle warning, what to do, no accept button', () => {
  renderDetails(
    failed({ kind: 'HostKeyChanged', message: 'host key differs', fingerprint: FINGERPRINT }),
  );
  const panel = screen.getByText("The SSH server's host key has changed").parentElement!;
  expect(panel.textContent).toContain('man-in-the-middle');
  expect(panel.textContent).toContain(FINGERPRINT);
  // Off port 22 known_hosts names the server [host]:port; that is the entry to remove.
  expect(panel.textContent).toContain("ssh-keygen -R '[bastion.example]:2222'");
  expect(screen.queryByRole('button', { name: 'Trust this host key' })).toBeNull();
});

test('the tunnel’s state and host key are shown in the details', () => {
  renderDetails(
    makeView({
      config,
      status: 'connected',
      state: { connected: 'idle' },
      tunnel: { state: 'open', fingerprint: FINGERPRINT },
    }),
  );
  const shown = screen.getByText('SSH tunnel', { selector: 'dt' }).nextElementSibling;
  expect(shown?.textContent).toBe(`open, ${FINGERPRINT}`);
});

test('any other error keeps the plain error box and no host key panel', () => {
  renderDetails(
    failed({ kind: 'AuthFailed', code: 'SSH_AUTH_FAILED', message: 'SSH login refused' }),
  );
  expect(screen.queryByText(/host key/)).toBeNull();
  expect(screen.getByText('SSH login refused')).toBeTruthy();
});

test('Test connection’s SSH host key stage shows the fingerprint it stopped at', () => {
  renderWithServices(
    <TestResult
      result={{
        success: false,
        latencyMs: 12,
        stages: [
          { name: 'ssh-tcp', ms: 1, ok: true },
          {
            name: 'ssh-handshake',
            ms: 4,
            ok: false,
            error: {
              kind: 'HostKeyUnknown',
              message: 'host key not yet trusted',
              fingerprint: FINGERPRINT,
            },
          },
        ],
      }}
    />,
  );
  const failed = document.querySelector('.stage-failed');
  expect(failed?.textContent).toContain('SSH host key');
  expect(failed?.querySelector('code.fingerprint')?.textContent).toBe(FINGERPRINT);
});
