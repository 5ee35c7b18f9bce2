import { useState } from 'react';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { ConnectionView } from '../../machines/views.ts';
import { asErrorData } from '../lib/errors.ts';
import { useServices } from '../store/app-context.tsx';
import { ErrorBox } from './ErrorBox.tsx';

/** The errors this panel answers instead of the plain error box. */
export const isHostKeyError = (error: TuskErrorData | null): boolean =>
  error?.kind === 'HostKeyUnknown' || error?.kind === 'HostKeyChanged';

/** `[host]:port` as known_hosts names a server off port 22, for the ssh-keygen line. */
const knownHostsName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

/**
 * The SSH server's host key, when it stopped the connection (DESIGN.md, "SSH tunnels"): a new
 * key is shown with its fingerprint and must be accepted by the user; a changed one is refused,
 * with no way to accept it here, since that is what a man-in-the-middle looks like.
 */
export function HostKeyTrust({ view }: { view: ConnectionView }) {
  const { transport, announcer } = useServices();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<TuskErrorData | null>(null);
  const error = view.lastError;
  const ssh = view.config.sshTunnel;
  if (!error || !isHostKeyError(error) || !ssh) return null;
  const server = `${ssh.host}:${ssh.port}`;
  const fingerprint = error.fingerprint;

  if (error.kind === 'HostKeyChanged') {
    return (
      <div className="host-key host-key-changed" role="alert">
        <strong className="error-title">The SSH server's host key has changed</strong>
        <p>
          {server} now presents a different key from the one in known_hosts, so Tusk refused to
          connect. This may mean someone is intercepting the connection (a man-in-the-middle
          attack).
        </p>
        {fingerprint && (
          <p>
            Key presented now: <code className="fingerprint">{fingerprint}</code>
          </p>
        )}
        <p>
          If the change is expected (the server was reinstalled or its keys rotated), check the new
          fingerprint with the server's administrator, remove the old key from known_hosts (
          <code className="fingerprint">ssh-keygen -R '{knownHostsName(ssh.host, ssh.port)}'</code>
          ), then connect again to trust the new one. Otherwise, do not connect.
        </p>
      </div>
    );
  }

  const trust = async () => {
    if (!fingerprint) return;
    setBusy(true);
    setFailure(null);
    try {
      await transport.invoke('accept_host_key', { connectionId: view.id, fingerprint });
      announcer.say(`${view.config.name}: host key trusted, connecting`, 'good');
      // A failed connect ends in `error`, which the details show with its reason.
      await transport.invoke('connect', { config: view.config }).catch(() => {});
    } catch (e) {
      setFailure(asErrorData(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="host-key host-key-unknown" role="alert">
      <strong className="error-title host-key-question">
        The SSH server's host key is not known
      </strong>
      <p>
        {server} is not in known_hosts yet. Check that this fingerprint is the server's (ask its
        administrator, or run <code>ssh-keygen -lf</code> on its host key) before trusting it:
      </p>
      <p>
        <code className="fingerprint" data-testid="host-key-fingerprint">
          {fingerprint ?? 'no fingerprint reported'}
        </code>
      </p>
      <button type="button" className="primary" onClick={trust} disabled={busy || !fingerprint}>
        {busy ? 'Trusting…' : 'Trust this host key'}
      </button>
      {failure && <ErrorBox error={failure} title="Not trusted" />}
    </div>
  );
}
