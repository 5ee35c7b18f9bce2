import { targetSessionAttrs } from '../../machines/config.ts';
import type { FormValues, HostRow } from '../lib/form-model.ts';
import { FormField } from './FormField.tsx';

const targetLabels: Record<FormValues['targetSessionAttrs'], string> = {
  any: 'Any',
  'read-write': 'Read-write',
  'read-only': 'Read-only',
  primary: 'Primary',
  standby: 'Standby',
  'prefer-standby': 'Prefer standby',
};

/**
 * libpq's host list: Host and Port are its first row (the same state, so the list and those
 * fields can never disagree), the rows after it are the failover hosts, tried in order (or
 * shuffled, with Load balance). One row means no list at all in the config.
 */
export function HostsEditor({
  values,
  errors,
  onHost,
  onRows,
  onTargetSession,
  onLoadBalance,
  onBlur,
}: {
  values: FormValues;
  /** The message for a config path (`hosts`, `hosts.2.port`), once it should be shown. */
  errors: (path: string) => string | undefined;
  onHost: (key: 'host' | 'port', value: string) => void;
  onRows: (rows: HostRow[]) => void;
  onTargetSession: (value: FormValues['targetSessionAttrs']) => void;
  onLoadBalance: (value: FormValues['loadBalanceHosts']) => void;
  onBlur: () => void;
}) {
  const rows = values.moreHosts;
  const setRow = (i: number, row: HostRow) => onRows(rows.map((r, j) => (j === i ? row : r)));
  const listError = errors('hosts');
  return (
    <fieldset className="form-section">
      <legend>Hosts</legend>
      {rows.length === 0 ? (
        <p className="field-hint">
          One host: Host and Port above. Add hosts for failover; they are tried in order.
        </p>
      ) : (
        <ol className="host-list" aria-label="Hosts">
          <HostRowFields
            n={1}
            row={{ host: values.host, port: values.port }}
            hostError={errors('host')}
            portError={errors('port')}
            onChange={(row) => {
              if (row.host !== values.host) onHost('host', row.host);
              if (row.port !== values.port) onHost('port', row.port);
            }}
            onBlur={onBlur}
            hint="Host and Port above"
          />
          {rows.map((row, i) => (
            <HostRowFields
              // Rows have no identity of their own; their place in the list is it.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              key={i}
              n={i + 2}
              row={row}
              hostError={errors(`hosts.${i + 1}.host`)}
              portError={errors(`hosts.${i + 1}.port`)}
              onChange={(next) => setRow(i, next)}
              onBlur={onBlur}
              onRemove={() => onRows(rows.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
      )}
      {listError && (
        <p className="field-error" role="alert">
          {listError}
        </p>
      )}
      <div className="host-list-actions">
        <button type="button" onClick={() => onRows([...rows, { host: '', port: values.port }])}>
          Add host
        </button>
      </div>
      <div className="form-grid">
        <FormField
          label="Target session"
          error={errors('options.targetSessionAttrs')}
          hint="Which server may serve the connection (target_session_attrs)"
        >
          {(props) => (
            <select
              {...props}
              value={values.targetSessionAttrs}
              onChange={(e) => onTargetSession(e.target.value as FormValues['targetSessionAttrs'])}
            >
              {targetSessionAttrs.map((t) => (
                <option key={t} value={t}>
                  {targetLabels[t]}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          label="Load balance"
          error={errors('options.loadBalanceHosts')}
          hint="Random: shuffle the hosts before each connect (load_balance_hosts)"
        >
          {(props) => (
            <select
              {...props}
              value={values.loadBalanceHosts}
              onChange={(e) => onLoadBalance(e.target.value as FormValues['loadBalanceHosts'])}
            >
              <option value="disable">Disable</option>
              <option value="random">Random</option>
            </select>
          )}
        </FormField>
      </div>
    </fieldset>
  );
}

function HostRowFields({
  n,
  row,
  hostError,
  portError,
  onChange,
  onBlur,
  onRemove,
  hint,
}: {
  n: number;
  row: HostRow;
  hostError: string | undefined;
  portError: string | undefined;
  onChange: (row: HostRow) => void;
  onBlur: () => void;
  onRemove?: () => void;
  hint?: string;
}) {
  return (
    <li className="host-row">
      <FormField label={`Host ${n}`} error={hostError} {...(hint && { hint })}>
        {(props) => (
          <input
            {...props}
            value={row.host}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange({ ...row, host: e.target.value })}
            onBlur={onBlur}
          />
        )}
      </FormField>
      <FormField label={`Port ${n}`} error={portError}>
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            value={row.port}
            autoComplete="off"
            onChange={(e) => onChange({ ...row, port: e.target.value })}
            onBlur={onBlur}
          />
        )}
      </FormField>
      {onRemove ? (
        <button
          type="button"
          className="host-remove"
          aria-label={`Remove host ${n}`}
          onClick={onRemove}
        >
          Remove
        </button>
      ) : (
        <span className="host-remove" />
      )}
    </li>
  );
}
