import { channelBindings } from '../../machines/libpq-auth.ts';
import type { FormValues, fieldPaths } from '../lib/form-model.ts';
import { FormField } from './FormField.tsx';

/*
 * The connection form's fields for libpq's TLS and authentication keywords: where the server's
 * certificate is trusted from, the client certificate, channel binding, the accepted
 * authentication methods, and where the password comes from. Split from ConnectionForm to keep
 * each file about one thing; the form owns the values and their errors.
 */

export interface FieldProps {
  values: FormValues;
  set: <K extends keyof FormValues>(key: K, value: FormValues[K]) => void;
  errorOf: (key: keyof typeof fieldPaths) => string | undefined;
  touch: (key: string) => void;
}

type TextKey = {
  [K in keyof FormValues]: FormValues[K] extends string ? K : never;
}[keyof FormValues];

function TextField({
  name,
  label,
  hint,
  placeholder,
  type = 'text',
  wide,
  secret,
  values,
  set,
  errorOf,
  touch,
}: FieldProps & {
  name: TextKey;
  label: string;
  hint?: string;
  placeholder?: string;
  type?: string;
  wide?: boolean;
  secret?: boolean;
}) {
  return (
    <FormField
      label={label}
      error={secret ? undefined : errorOf(name as keyof typeof fieldPaths)}
      hint={hint}
      wide={wide}
    >
      {(props) => (
        <input
          {...props}
          type={type}
          value={values[name] as string}
          placeholder={placeholder}
          autoComplete={type === 'password' ? 'new-password' : 'off'}
          spellCheck={false}
          onChange={(e) => set(name, e.target.value as FormValues[typeof name])}
          onBlur={() => touch(name)}
        />
      )}
    </FormField>
  );
}

/** "System trust store" or a CA file: verify-ca / verify-full need one of them. */
export function TrustStoreFields(p: FieldProps) {
  return (
    <>
      <FormField label="Trust the server's certificate from" error={p.errorOf('trustStore')}>
        {(props) => (
          <select
            {...props}
            value={p.values.trustStore}
            onChange={(e) => p.set('trustStore', e.target.value as FormValues['trustStore'])}
          >
            <option value="file">A CA certificate file</option>
            <option value="system">The system trust store</option>
          </select>
        )}
      </FormField>
      {p.values.trustStore === 'file' ? (
        <TextField
          {...p}
          name="sslCaCert"
          label="CA certificate path"
          placeholder="/path/to/root.crt"
        />
      ) : (
        <p className="field-hint form-field">
          The operating system's CAs (sslrootcert=system): SSL mode must be verify-full.
        </p>
      )}
    </>
  );
}

/** libpq's sslcert / sslkey / sslpassword / sslcertmode: TLS client authentication. */
export function ClientCertificateFields(p: FieldProps) {
  return (
    <fieldset className="form-section">
      <legend>Client certificate</legend>
      <div className="form-grid">
        <TextField
          {...p}
          name="sslCert"
          label="Certificate file"
          placeholder="/path/to/client.crt"
        />
        <TextField {...p} name="sslKey" label="Key file" placeholder="/path/to/client.key" />
        <TextField
          {...p}
          name="sslPassword"
          label="Client key passphrase"
          type="password"
          secret
          hint="Only for an encrypted key; kept in the OS keyring"
        />
        <FormField label="Send the certificate" error={p.errorOf('sslCertMode')}>
          {(props) => (
            <select
              {...props}
              value={p.values.sslCertMode}
              onChange={(e) => p.set('sslCertMode', e.target.value as FormValues['sslCertMode'])}
            >
              <option value="allow">When the server asks (allow)</option>
              <option value="require">Always; fail without one (require)</option>
              <option value="disable">Never (disable)</option>
            </select>
          )}
        </FormField>
      </div>
    </fieldset>
  );
}

const bindingHints: Record<FormValues['channelBinding'], string> = {
  disable: 'Never bind SCRAM to the TLS channel',
  prefer: 'Used when the server offers it',
  require: 'SCRAM-SHA-256-PLUS over TLS, or no connection',
};

/** Channel binding, the accepted authentication methods, hostaddr and startup options. */
export function AuthenticationFields(p: FieldProps) {
  return (
    <>
      <FormField
        label="Channel binding"
        error={p.errorOf('channelBinding')}
        hint={bindingHints[p.values.channelBinding]}
      >
        {(props) => (
          <select
            {...props}
            value={p.values.channelBinding}
            onChange={(e) =>
              p.set('channelBinding', e.target.value as FormValues['channelBinding'])
            }
          >
            {channelBindings.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        {...p}
        name="requireAuth"
        label="Accepted authentication"
        placeholder="any"
        hint="e.g. scram-sha-256, or !password,!md5"
      />
      <TextField
        {...p}
        name="hostaddr"
        label="Host address"
        placeholder="IP address"
        hint="Connect here; Host stays the name TLS checks"
      />
      <TextField
        {...p}
        name="startupOptions"
        label="Startup options"
        placeholder="endpoint=… or --cluster=…"
        wide
      />
    </>
  );
}

/** The password from the keyring, or printed by a command for every connect (IAM tokens). */
export function PasswordSourceFields(p: FieldProps & { savedInKeyring: boolean }) {
  return (
    <>
      <FormField label="Password from" error={undefined}>
        {(props) => (
          <select
            {...props}
            value={p.values.passwordSource}
            onChange={(e) =>
              p.set('passwordSource', e.target.value as FormValues['passwordSource'])
            }
          >
            <option value="keyring">The keyring</option>
            <option value="command">A command (IAM tokens)</option>
          </select>
        )}
      </FormField>
      {p.values.passwordSource === 'keyring' ? (
        <TextField
          {...p}
          name="password"
          label="Password"
          type="password"
          secret
          hint={
            p.savedInKeyring
              ? 'Saved in the keyring: leave empty to keep it'
              : 'Kept in the OS keyring, never in the settings file'
          }
        />
      ) : (
        <TextField
          {...p}
          name="passwordCommand"
          label="Password command"
          placeholder="aws rds generate-db-auth-token --hostname … --port 5432 --username …"
          hint="Run for every connect, without a shell; what it prints is the password"
          wide
        />
      )}
    </>
  );
}
