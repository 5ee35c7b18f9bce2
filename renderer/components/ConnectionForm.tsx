import { useMemo, useState } from 'react';
import { environments, sslModes, sslNegotiations } from '../../machines/config.ts';
import { withoutOrmParameters } from '../../machines/connection-keywords.ts';
import {
  connectionStringPairs,
  type ParsedConnectionString,
  parseConnectionParameters,
} from '../../machines/connection-string.ts';
import type { TestConnectionResult } from '../../machines/diagnostics.types.ts';
import { asErrorData } from '../lib/errors.ts';
import {
  check,
  emptyValues,
  type FormBase,
  type FormValues,
  fieldPaths,
  type SecretKey,
  valuesOf,
  withEnvironment,
  withImport,
  withImportedExtras,
} from '../lib/form-model.ts';
import { useGroups, useServices } from '../store/app-context.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { FormField } from './FormField.tsx';
import { HostsEditor } from './HostsEditor.tsx';
import { Confirm, Modal } from './Modal.tsx';
import {
  AuthenticationFields,
  ClientCertificateFields,
  PasswordSourceFields,
  TrustStoreFields,
} from './SecurityFields.tsx';
import { TestResult } from './TestResult.tsx';

export const PALETTE = [
  '#2f7de1',
  '#1a9e77',
  '#8e5bd6',
  '#d4a017',
  '#e0672b',
  '#d0384e',
  '#6b7a8f',
];

type TextKey = {
  [K in keyof FormValues]: FormValues[K] extends string ? K : never;
}[keyof FormValues];

/** New and edit, one dialog. Messages come from the service's own schema, next to their fields. */
const negotiationLabels: Record<FormValues['sslNegotiation'], string> = {
  postgres: 'postgres (asks the server first)',
  direct: 'direct (PostgreSQL 17+, one round trip less)',
};

export function ConnectionForm({
  editId,
  onClose,
  onSaved,
}: {
  editId: string | null;
  onClose: () => void;
  onSaved: (id: string) => void;
}) {
  const { transport, views, announcer } = useServices();
  const groups = useGroups();
  // The config as it was when the dialog opened; later changes of its status do not matter here.
  const [saved] = useState(() =>
    editId ? views.getSnapshot().byId.get(editId)?.config : undefined,
  );
  // The saved config, with what an import set that has no field of its own.
  const [base, setBase] = useState<FormBase | undefined>(saved);
  const [id] = useState(() => saved?.id ?? crypto.randomUUID());
  const [values, setValues] = useState<FormValues>(() => (saved ? valuesOf(saved) : emptyValues()));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [url, setUrl] = useState('');
  const [urlMessage, setUrlMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<TestConnectionResult | null>(null);
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ReturnType<typeof asErrorData> | null>(null);
  const [confirmWritable, setConfirmWritable] = useState(false);

  const checked = useMemo(() => check(values, id, base), [values, id, base]);
  const errorOf = (key: keyof typeof fieldPaths) => {
    const path = fieldPaths[key];
    return submitted || touched.has(key) ? checked.errors[path] : undefined;
  };
  const known = new Set(Object.values(fieldPaths));
  const otherErrors = submitted
    ? Object.entries(checked.errors).filter(([path]) => !known.has(path))
    : [];

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
    setTest(null);
  };
  const touch = (key: string) => setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
  const fieldProps = { values, set, errorOf, touch };

  const text = (
    key: TextKey,
    label: string,
    opts: {
      type?: string;
      hint?: string;
      wide?: boolean;
      autoFocus?: boolean;
      placeholder?: string;
      inputMode?: 'numeric';
    } = {},
  ) => (
    <FormField
      label={label}
      error={isSecret(key) ? undefined : errorOf(key)}
      hint={opts.hint}
      wide={opts.wide}
    >
      {(props) => (
        <input
          {...props}
          type={opts.type ?? 'text'}
          inputMode={opts.inputMode}
          value={values[key]}
          placeholder={opts.placeholder}
          data-autofocus={opts.autoFocus || undefined}
          autoComplete={opts.type === 'password' ? 'new-password' : 'off'}
          spellCheck={false}
          onChange={(e) => set(key, e.target.value as FormValues[typeof key])}
          onBlur={() => touch(key)}
        />
      )}
    </FormField>
  );

  const doImport = () => {
    let parsed: ParsedConnectionString;
    let dropped: string[] = [];
    try {
      // Parameters of an ORM or a driver (Prisma's pgbouncer=true, schema=...) mean nothing to
      // libpq: the form drops them and says so, rather than refusing the whole string.
      const kept = withoutOrmParameters(connectionStringPairs(url));
      dropped = kept.dropped;
      parsed = parseConnectionParameters(kept.pairs);
      if (parsed.service !== undefined) {
        throw new Error(
          `service=${parsed.service} names an entry of the service file, which the form cannot read: paste its parameters instead`,
        );
      }
    } catch (error) {
      // The parser's messages name the parameter; it takes care not to echo values (a password).
      setUrlMessage({ ok: false, text: (error as Error).message });
      return;
    }
    setValues((v) => withImport(v, parsed));
    setBase((b) => withImportedExtras(b, parsed));
    const { hosts } = parsed.config;
    const list = hosts
      ? ` ${hosts.length} hosts (${hosts.map((h) => `${h.host}:${h.port}`).join(', ')}), listed under Hosts;`
      : '';
    const left = dropped.length
      ? ` left out ${dropped.join(', ')} (an ORM's or driver's, not libpq's);`
      : '';
    setUrlMessage({
      ok: true,
      text: `Imported:${list}${left} check the fields below, then save.`,
    });
    setUrl('');
  };

  const runTest = async () => {
    setSubmitted(true);
    if (!checked.ok) return;
    setTesting(true);
    setTest(null);
    try {
      setTest(
        await transport.invoke('test_connection', { config: checked.config, ...secretsOf(values) }),
      );
    } catch (error) {
      setSaveError(asErrorData(error));
    } finally {
      setTesting(false);
    }
  };

  const save = async () => {
    setSubmitted(true);
    setSaveError(null);
    if (!checked.ok) return;
    setSaving(true);
    try {
      await transport.invoke('save_connection', { config: checked.config, ...secretsOf(values) });
      announcer.say(`${checked.config.name} saved`, 'good');
      onSaved(id);
    } catch (error) {
      setSaveError(asErrorData(error));
    } finally {
      setSaving(false);
    }
  };

  const setReadonly = (on: boolean) => {
    if (!on && values.environment === 'production') setConfirmWritable(true);
    else set('readonly', on);
  };

  return (
    <Modal
      title={saved ? `Edit ${saved.name}` : 'New connection'}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" onClick={runTest} disabled={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <span className="toolbar-gap" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="connection-form" className="primary" disabled={saving}>
            Save
          </button>
        </>
      }
    >
      <form
        id="connection-form"
        className="connection-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="import-row">
          <label htmlFor="import-url">Import connection string</label>
          <input
            id="import-url"
            type="text"
            value={url}
            placeholder="postgres://user@host/database  or  host=… dbname=…"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={urlMessage?.ok === false || undefined}
            aria-describedby={urlMessage ? 'import-url-message' : undefined}
            onChange={(e) => setUrl(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                doImport();
              }
            }}
          />
          <button type="button" onClick={doImport} disabled={url.trim() === ''}>
            Import
          </button>
          {urlMessage && (
            <p
              id="import-url-message"
              className={urlMessage.ok ? 'field-hint' : 'field-error'}
              role="status"
            >
              {urlMessage.text}
            </p>
          )}
        </div>

        <fieldset className="form-section">
          <legend>Connection</legend>
          <div className="form-grid">
            {text('name', 'Name', { wide: true, autoFocus: true })}
            {text('host', 'Host')}
            {text('port', 'Port', { inputMode: 'numeric' })}
            {text('database', 'Database')}
            {text('username', 'User')}
            <PasswordSourceFields
              {...fieldProps}
              savedInKeyring={saved?.passwordInKeyring ?? false}
            />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>Safety</legend>
          <div className="form-grid">
            <FormField label="Environment" error={errorOf('environment')}>
              {(props) => (
                <select
                  {...props}
                  value={values.environment}
                  onChange={(e) => {
                    setValues((v) =>
                      withEnvironment(v, e.target.value as FormValues['environment']),
                    );
                    touch('environment');
                  }}
                >
                  <option value="">None</option>
                  {environments.map((env) => (
                    <option key={env} value={env}>
                      {env[0]!.toUpperCase() + env.slice(1)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField
              label="Statement timeout"
              error={errorOf('statementTimeoutMs')}
              hint="Milliseconds; empty for none"
            >
              {(props) => (
                <input
                  {...props}
                  inputMode="numeric"
                  value={values.statementTimeoutMs}
                  onChange={(e) => set('statementTimeoutMs', e.target.value)}
                  onBlur={() => touch('statementTimeoutMs')}
                />
              )}
            </FormField>
            <div className="form-field form-check">
              <input
                id="field-readonly"
                type="checkbox"
                checked={values.readonly}
                onChange={(e) => setReadonly(e.target.checked)}
              />
              <label htmlFor="field-readonly">Read-only</label>
              <span className="field-hint">Every statement runs in a read-only transaction</span>
            </div>
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>TLS</legend>
          <div className="form-grid">
            <FormField label="SSL mode" error={errorOf('sslMode')}>
              {(props) => (
                <select
                  {...props}
                  value={values.sslMode}
                  onChange={(e) => set('sslMode', e.target.value as FormValues['sslMode'])}
                >
                  {sslModes.map((mode) => (
                    <option key={mode} value={mode}>
                      {mode}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField label="TLS negotiation" error={errorOf('sslNegotiation')}>
              {(props) => (
                <select
                  {...props}
                  value={values.sslNegotiation}
                  onChange={(e) =>
                    set('sslNegotiation', e.target.value as FormValues['sslNegotiation'])
                  }
                >
                  {sslNegotiations.map((way) => (
                    <option key={way} value={way}>
                      {negotiationLabels[way]}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <TrustStoreFields {...fieldProps} />
          </div>
        </fieldset>

        <ClientCertificateFields {...fieldProps} />

        <fieldset className="form-section">
          <legend>Organise</legend>
          <div className="form-grid">
            <FormField label="Group" error={errorOf('groupId')}>
              {(props) => (
                <select
                  {...props}
                  value={values.groupId}
                  onChange={(e) => set('groupId', e.target.value)}
                >
                  <option value="">No group</option>
                  {groups.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <fieldset className="form-field swatch-field">
              <legend className="label">Colour</legend>
              <div className="swatches">
                <Swatch
                  color=""
                  label="No colour"
                  current={values.color}
                  onPick={(c) => set('color', c)}
                />
                {PALETTE.map((c) => (
                  <Swatch
                    key={c}
                    color={c}
                    label={c}
                    current={values.color}
                    onPick={(v) => set('color', v)}
                  />
                ))}
              </div>
              {errorOf('color') && <p className="field-error">{errorOf('color')}</p>}
            </fieldset>
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>Advanced</legend>
          <div className="form-grid form-grid-3">
            {text('applicationName', 'Application name')}
            {text('connectTimeoutSec', 'Connect timeout (s)', { inputMode: 'numeric' })}
            {text('keepaliveIntervalSec', 'Keepalive interval (s)', { inputMode: 'numeric' })}
            {text('poolMax', 'Pool size', { inputMode: 'numeric' })}
            {text('maxReconnectAttempts', 'Reconnect attempts', {
              inputMode: 'numeric',
              hint: '0: never reconnect by itself',
            })}
            <AuthenticationFields {...fieldProps} />
          </div>
        </fieldset>

        <HostsEditor
          values={values}
          errors={(path) =>
            submitted || touched.has('moreHosts') ? checked.errors[path] : undefined
          }
          onHost={(key, value) => set(key, value)}
          onRows={(rows) => set('moreHosts', rows)}
          onTargetSession={(value) => set('targetSessionAttrs', value)}
          onLoadBalance={(value) => set('loadBalanceHosts', value)}
          onBlur={() => touch('moreHosts')}
        />

        <fieldset className="form-section">
          <legend>SSH tunnel</legend>
          <div className="form-field form-check">
            <input
              id="field-ssh"
              type="checkbox"
              checked={values.sshEnabled}
              onChange={(e) => set('sshEnabled', e.target.checked)}
            />
            <label htmlFor="field-ssh">Connect through an SSH tunnel</label>
          </div>
          {values.sshEnabled && (
            <div className="form-grid form-grid-3">
              {text('sshHost', 'SSH host')}
              {text('sshPort', 'SSH port', { inputMode: 'numeric' })}
              {text('sshUsername', 'SSH user')}
              <FormField label="SSH authentication" error={errorOf('sshAuth')}>
                {(props) => (
                  <select
                    {...props}
                    value={values.sshAuth}
                    onChange={(e) => set('sshAuth', e.target.value as FormValues['sshAuth'])}
                  >
                    <option value="agent">SSH agent</option>
                    <option value="key">Key file</option>
                    <option value="password">Password</option>
                  </select>
                )}
              </FormField>
              {values.sshAuth === 'password' &&
                text('sshPassword', 'SSH password', {
                  type: 'password',
                  wide: true,
                  hint: saved?.sshTunnel
                    ? 'Kept in the OS keyring: leave empty to keep the saved one'
                    : 'Kept in the OS keyring, never in the settings file',
                })}
              {values.sshAuth === 'key' && text('sshKeyPath', 'SSH key path', { wide: true })}
              {values.sshAuth === 'key' &&
                text('sshPassphrase', 'Key passphrase', {
                  type: 'password',
                  wide: true,
                  hint: 'Only for an encrypted key; kept in the OS keyring',
                })}
            </div>
          )}
        </fieldset>

        {otherErrors.map(([path, message]) => (
          <p key={path} className="field-error" role="alert">
            {message}
          </p>
        ))}
        {saveError && <ErrorBox error={saveError} title="Not saved" />}
        {test && <TestResult result={test} />}
      </form>
      {confirmWritable && (
        <Confirm
          title="Production connection"
          message="This connection is marked production. Turn read-only off and allow writes?"
          confirmLabel="Allow writes"
          danger
          onCancel={() => setConfirmWritable(false)}
          onConfirm={() => {
            setConfirmWritable(false);
            set('readonly', false);
          }}
        />
      )}
    </Modal>
  );
}

const isSecret = (key: string): key is SecretKey =>
  key === 'password' || key === 'sshPassword' || key === 'sshPassphrase' || key === 'sslPassword';

/**
 * The secrets as save_connection's and test_connection's own arguments (the keyring), never in
 * the config; an empty field is not sent, so a saved secret is kept. The SSH ones only for the
 * auth method that uses them, so switching to the agent does not save a stale password.
 */
export function secretsOf(values: FormValues): {
  password?: string;
  sshPassword?: string;
  sshPassphrase?: string;
  sslPassword?: string;
} {
  const ssh = values.sshEnabled;
  return {
    ...(values.password !== '' &&
      values.passwordSource === 'keyring' && { password: values.password }),
    ...(values.sslPassword !== '' &&
      values.sslCert.trim() !== '' && { sslPassword: values.sslPassword }),
    ...(ssh &&
      values.sshAuth === 'password' &&
      values.sshPassword !== '' && { sshPassword: values.sshPassword }),
    ...(ssh &&
      values.sshAuth === 'key' &&
      values.sshPassphrase !== '' && { sshPassphrase: values.sshPassphrase }),
  };
}

function Swatch({
  color,
  label,
  current,
  onPick,
}: {
  color: string;
  label: string;
  current: string;
  onPick: (color: string) => void;
}) {
  return (
    <label
      className={color ? 'swatch' : 'swatch swatch-none'}
      title={label}
      ref={(el) => {
        if (el && color) el.style.setProperty('--swatch', color);
      }}
    >
      <input
        type="radio"
        name="colour"
        className="visually-hidden"
        value={color}
        checked={current === color}
        aria-label={label}
        onChange={() => onPick(color)}
      />
    </label>
  );
}
