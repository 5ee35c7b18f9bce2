import type { ReactNode } from 'react';
import type { TuskErrorData } from '../../machines/errors.ts';
import type { ScriptStep } from '../../machines/sql-plan.ts';
import { formatMs } from '../lib/format.ts';
import {
  isReadOnlyRefusal,
  lineAndColumn,
  lineAt,
  refusalReason,
  restOf,
  type ScriptRun,
} from '../lib/script.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { ResultTable, resultSummary } from './ResultTable.tsx';

/**
 * A script's steps in the order they ran, each with its result or its error placed in the
 * script (line, column, the line itself with a caret). When the script stopped at an error, it
 * says which statement stopped it and offers to run the rest.
 */
export function ScriptOutput({
  run,
  busy,
  readonly,
  onRunRest,
  onShowStatement,
  onEdit,
}: {
  run: ScriptRun;
  busy: boolean;
  /** The connection is read-only: a 25006 is its refusal (elsewhere, a standby's answer). */
  readonly: boolean;
  onRunRest: () => void;
  onShowStatement: (index: number) => void;
  onEdit?: () => void;
}) {
  const total = run.plan.statements.length;
  const failed = run.steps.filter((s) => !s.ok).length;
  const rest = restOf(run);
  const left = rest ? total - rest.offset.index : 0;
  const stopped =
    run.stoppedAt !== undefined ? run.steps.find((s) => s.index === run.stoppedAt) : undefined;
  return (
    <div className="script-output">
      <p className="script-summary" data-testid="script-summary">
        {run.steps.length} of {total} statement{total === 1 ? '' : 's'} ran
        {failed > 0 && <span className="script-failed"> · {failed} failed</span>}
      </p>
      <ol className="steps" aria-label="Statements">
        {run.steps.map((step) => (
          <Step
            key={step.index}
            step={step}
            run={run}
            readonly={readonly}
            onShow={() => onShowStatement(step.index)}
            onEdit={onEdit}
          />
        ))}
      </ol>
      {stopped && (
        <div className="script-stopped" role="status">
          <span>
            Stopped at statement {stopped.index + 1} of {total} (line {stopped.line})
            {left > 0 ? `: ${left} statement${left === 1 ? '' : 's'} after it did not run.` : '.'}
          </span>
          {rest && (
            <button type="button" disabled={busy} onClick={onRunRest}>
              Run the rest ({left} statement{left === 1 ? '' : 's'})
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function Step({
  step,
  run,
  readonly,
  onShow,
  onEdit,
}: {
  step: ScriptStep;
  run: ScriptRun;
  readonly: boolean;
  onShow: () => void;
  onEdit?: (() => void) | undefined;
}) {
  // A statement without rows (SET, BEGIN, an INSERT) says its outcome on its one line, so a
  // restore script's hundreds of SETs read as a list rather than a wall of boxes.
  const brief = step.ok && step.result.fields.length === 0;
  return (
    <li className={`step ${step.ok ? 'step-ok' : 'step-error'}`} data-testid="step">
      <header className="step-head">
        <span className="step-no">{step.index + 1}</span>
        <span className="step-command">{step.command}</span>
        <span className="muted">line {step.line}</span>
        {brief && (
          <span className="step-brief" data-testid="result-summary">
            {resultSummary(step.result)}
          </span>
        )}
        <span className="muted">· {formatMs(step.ms)}</span>
      </header>
      {step.ok ? (
        !brief && <ResultTable result={step.result} />
      ) : (
        <StepError
          step={step}
          script={run.script}
          readonly={readonly}
          onShow={onShow}
          onEdit={onEdit}
        />
      )}
    </li>
  );
}

function StepError({
  step,
  script,
  readonly,
  onShow,
  onEdit,
}: {
  step: Extract<ScriptStep, { ok: false }>;
  script: string;
  readonly: boolean;
  onShow: () => void;
  onEdit?: (() => void) | undefined;
}) {
  return (
    <PlacedError
      error={step.error}
      script={script}
      readonly={readonly}
      onShow={onShow}
      onEdit={onEdit}
    >
      {step.error.position === undefined && (
        <button type="button" className="link-button" onClick={onShow}>
          Show statement {step.index + 1} in the script
        </button>
      )}
    </PlacedError>
  );
}

/** An error with its place in the script: line, column, and the line itself with a caret. */
export function PlacedError({
  error,
  script,
  readonly,
  onShow,
  onEdit,
  children,
}: {
  error: TuskErrorData;
  script: string;
  /** The connection is read-only: a 25006 is its refusal (elsewhere, a standby's answer). */
  readonly: boolean;
  onShow: () => void;
  onEdit?: (() => void) | undefined;
  children?: ReactNode;
}) {
  const at = error.position !== undefined ? lineAndColumn(script, error.position) : null;
  const line = error.position !== undefined ? lineAt(script, error.position) : null;
  return (
    <div className="step-error-body">
      {readonly && isReadOnlyRefusal(error) ? (
        <ReadOnlyRefusal error={error} onEdit={onEdit} />
      ) : (
        <ErrorBox error={error} />
      )}
      {at && line && (
        <div className="error-position" data-testid="error-position">
          <button type="button" className="link-button" onClick={onShow}>
            Line {at.line}, column {at.column}
          </button>
          <pre className="error-line">
            {line.text}
            {'\n'}
            <span className="error-caret">{`${line.text.slice(0, line.column - 1).replace(/[^\t]/g, ' ')}^`}</span>
          </pre>
        </div>
      )}
      {children}
    </div>
  );
}

/**
 * A write the read-only connection refused, said once: that the connection is read-only, the
 * reason (the parser's or the server's, without main's own words around it), that nothing
 * changed, and where to turn read-only off, one click away.
 */
function ReadOnlyRefusal({
  error,
  onEdit,
}: {
  error: TuskErrorData;
  onEdit?: (() => void) | undefined;
}) {
  return (
    <div className="read-only-refusal" role="alert" data-testid="read-only-refusal">
      <div className="refusal-text">
        <p>
          <strong>This connection is read-only</strong>, so this statement was refused and changed
          nothing.
        </p>
        <p className="refusal-reason" data-testid="refusal-reason">
          {refusalReason(error.message)}
          {error.code && <code className="sqlstate">SQLSTATE {error.code}</code>}
        </p>
        {error.detail && <p className="error-detail">{error.detail}</p>}
        {error.hint && <p className="hint">Hint: {error.hint}</p>}
        <p className="muted">
          To allow writes, edit the connection and turn off{' '}
          <span className="no-wrap">Read-only</span> under Safety.
        </p>
      </div>
      {onEdit && (
        <button type="button" onClick={onEdit}>
          Edit connection
        </button>
      )}
    </div>
  );
}
