import type { TuskErrorData } from '../../machines/errors.ts';

/** An error as PostgreSQL gave it: message, SQLSTATE, detail, hint. */
export function ErrorBox({ error, title }: { error: TuskErrorData; title?: string }) {
  return (
    <div className="error-box" role="alert">
      {title && <strong className="error-title">{title}</strong>}
      <p className="error-message">
        <span className="error-kind">{error.kind}</span> {error.message}
      </p>
      {error.code && <code className="sqlstate">SQLSTATE {error.code}</code>}
      {error.detail && <p className="error-detail">{error.detail}</p>}
      {error.hint && <p className="hint">Hint: {error.hint}</p>}
    </div>
  );
}
