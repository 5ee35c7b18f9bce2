import type { ReactNode } from 'react';
import type { ConnectionView } from '../../machines/views.ts';
import { formatClock, formatMs } from '../lib/format.ts';
import { Countdown } from './Countdown.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { isHostKeyError } from './HostKeyTrust.tsx';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field-pair">
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

/**
 * The host:port reached: the server info's (main/pg sets it from the session that read it; with
 * a host list, the one that answered), else the last entry to `connected`, else the configured one.
 */
export function hostReached(view: ConnectionView): string {
  const { server } = view;
  if (server?.host !== undefined && server.port !== undefined)
    return `${server.host}:${server.port}`;
  for (let i = view.transitions.length - 1; i >= 0; i--) {
    const host = view.transitions[i]!.host;
    if (host) return host;
  }
  return `${view.config.host}:${view.config.port}`;
}

/** What is known of the live connection, dense: the numbers people check first. */
export function InfoGrid({ view }: { view: ConnectionView }) {
  const { server, pool, keepalive, session, config } = view;
  const inUse = pool ? pool.total - pool.idle : null;
  const live = view.status === 'connected';
  return (
    <div className="info">
      <dl className="info-grid">
        <Field label="Server">{server ? shortVersion(server.version) : null}</Field>
        <Field label="Database">{server?.currentDatabase ?? config.database}</Field>
        <Field label="User">{server?.currentUser ?? config.username}</Field>
        {/* The backend and the pool are gone once the connection is: their last numbers would
            read as live ones. The server's version and TLS stay, as what was last reached. */}
        <Field label="Backend pid">{live && server ? String(server.backendPid) : null}</Field>
        <Field label="Host">{live ? hostReached(view) : `${config.host}:${config.port}`}</Field>
        <Field label="TLS">{server ? (server.ssl ? 'on' : 'off') : null}</Field>
        <Field label="Keepalive">
          {keepalive.lastLatencyMs !== null
            ? `${formatMs(keepalive.lastLatencyMs)} at ${formatClock(keepalive.lastPingAt ?? 0)}`
            : null}
        </Field>
        <Field label="Pool">
          {live && pool
            ? `${inUse} in use · ${pool.idle} idle · ${pool.waiting} waiting (max ${config.options.poolMax})`
            : null}
        </Field>
        <Field label="Session">
          {session
            ? `${session.readonly ? 'read-only' : 'read-write'} · statement timeout ${
                session.statementTimeoutMs ? formatMs(session.statementTimeoutMs) : 'none'
              }`
            : null}
        </Field>
        {view.credentials === 'command' && (
          <Field label="Password">from its command, run at every attempt</Field>
        )}
        {config.sshTunnel?.enabled && (
          <Field label="SSH tunnel">
            {view.tunnel
              ? `${view.tunnel.state}${view.tunnel.fingerprint ? `, ${view.tunnel.fingerprint}` : ''}`
              : `not open (${config.sshTunnel.host}:${config.sshTunnel.port})`}
          </Field>
        )}
        <Field label="Reconnect">
          {view.status === 'reconnecting' || view.attempt > 0 ? (
            <span>
              attempt {view.attempt} of {config.options.maxReconnectAttempts}
              {view.lastError && view.status === 'reconnecting' && (
                <> · after {view.lastError.code ?? view.lastError.kind}</>
              )}
              {view.nextRetryAt !== null && (
                <>
                  {' · '}
                  <Countdown at={view.nextRetryAt} />
                  {/* A query or a session waiting tries at once (not through a tunnel). */}
                  {!config.sshTunnel?.enabled && ', at once when a query waits'}
                </>
              )}
            </span>
          ) : null}
        </Field>
      </dl>
      {/* Host-key errors get their own panel (HostKeyTrust), with what to do about them. */}
      {view.lastError && !isHostKeyError(view.lastError) && (
        <ErrorBox error={view.lastError} title="Last error" />
      )}
    </div>
  );
}

function shortVersion(version: string): string {
  // "PostgreSQL 18.1 on x86_64-pc-linux-gnu, compiled by …" → "PostgreSQL 18.1"
  return version.split(' on ')[0] ?? version;
}
