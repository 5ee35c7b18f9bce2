import { type ReactNode, useId } from 'react';

/** A labelled control with its message right under it, tied by aria-describedby. */
export function FormField({
  label,
  error,
  hint,
  children,
  wide = false,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  wide?: boolean;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : null, hint && !error ? hintId : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`form-field${wide ? ' form-field-wide' : ''}${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        'aria-describedby': describedBy || undefined,
      })}
      {hint && !error && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={messageId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
