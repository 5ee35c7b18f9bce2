import type { ConnectionStatus, Environment } from '../../machines/config.ts';
import { statusText } from '../lib/format.ts';

/** A status is always a dot and a word: colour alone says nothing to some readers. */
export function StatusBadge({
  status,
  compact = false,
}: {
  status: ConnectionStatus;
  compact?: boolean;
}) {
  return (
    <span className={`status status-${status}${compact ? ' status-compact' : ''}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">{statusText[status]}</span>
    </span>
  );
}

const envShort: Record<Environment, string> = {
  development: 'DEV',
  staging: 'STG',
  production: 'PROD',
};

export function EnvironmentBadge({
  environment,
  long = false,
}: {
  environment?: Environment;
  long?: boolean;
}) {
  if (!environment) return null;
  return (
    <span className={`badge env-${environment}`} title={environment}>
      {long ? environment : envShort[environment]}
    </span>
  );
}

export function ReadOnlyBadge({ readonly, long = false }: { readonly: boolean; long?: boolean }) {
  if (!readonly) return null;
  return (
    <span className="badge badge-readonly" title="Read-only">
      {long ? 'Read-only' : 'RO'}
    </span>
  );
}
